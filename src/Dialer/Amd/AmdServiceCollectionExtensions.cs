using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Amd;

/// <summary>Registers answering-machine detection for a host.</summary>
public static class AmdServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="MachinePolicy"/> from <c>Dialer:Amd</c> and validates it at start, so a campaign that
    /// leaves messages without a WAV, or names an unknown profile, stops the host with a message naming the key; and
    /// registers <see cref="AmdLedger"/> (it needs the contact ledger from the compliance setup).
    /// </summary>
    public static IHostApplicationBuilder AddAmd(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MachinePolicy>()
            .BindConfiguration(MachinePolicy.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MachinePolicy>, DataAnnotationsValidator<MachinePolicy>>();
        builder.Services.TryAddSingleton<AmdLedger>();
        return builder;
    }

    /// <summary>Runs DataAnnotations and <see cref="IValidatableObject"/> checks on an options object.</summary>
    internal sealed class DataAnnotationsValidator<T> : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                return ValidateOptionsResult.Success;
            }

            return ValidateOptionsResult.Fail(results.Select(r =>
                $"{MachinePolicy.Section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
