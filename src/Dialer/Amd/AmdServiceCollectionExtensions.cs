using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Amd;

/// <summary>Registers answering-machine detection for a host.</summary>
public static class AmdServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="MachinePolicy"/> from <c>Dialer:Amd</c> and validates it at start, so a campaign that
    /// leaves messages without a WAV, or names an unknown profile, stops the host with a message naming the key; and
    /// registers <see cref="AmdLedger"/> (it needs the contact ledger from the compliance setup) and the host's
    /// <see cref="SileroVadBatcher"/> (<see cref="VadBatchOptions"/> from <c>Dialer:Amd:VadBatch</c>).
    /// </summary>
    public static IHostApplicationBuilder AddAmd(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MachinePolicy>()
            .BindConfiguration(MachinePolicy.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MachinePolicy>>(new DataAnnotationsValidator<MachinePolicy>(MachinePolicy.Section));
        builder.Services.TryAddSingleton<AmdLedger>();

        // One batcher per host: the learned detector's speech model runs once per batch for all live calls (docs/amd.md).
        builder.Services.AddOptions<VadBatchOptions>()
            .BindConfiguration(VadBatchOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<VadBatchOptions>>(new DataAnnotationsValidator<VadBatchOptions>(VadBatchOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        // The model loads on the first inference, as it did on the first call before batching: a host whose campaigns use
        // another detector never loads it, and a missing file fails those calls to NOTSURE (logged) rather than the host.
        builder.Services.TryAddSingleton(sp => new SileroVadBatcher(
            (input, state, next, output, batch) => SileroVad.Instance.Run(input, state, next, output, batch),
            sp.GetRequiredService<IOptions<VadBatchOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SileroVadBatcher>>()));
        return builder;
    }

    /// <summary>Runs DataAnnotations and <see cref="IValidatableObject"/> checks on an options object.</summary>
    internal sealed class DataAnnotationsValidator<T>(string section) : IValidateOptions<T>
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
                $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
        }
    }
}
