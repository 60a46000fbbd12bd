using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collections.Shared.Configuration;

/// <summary>
/// The configuration binder adds configured items to a list property's initial items instead of replacing them, so an
/// options class whose list has defaults (codecs, digest algorithms, calling phases) would keep the defaults in front of what
/// the operator configured. These helpers empty such a list first whenever its key is present in the section.
/// </summary>
public static class ConfiguredLists
{
    /// <summary>Registers, before the binding, a step that empties every list property of <typeparamref name="T"/> configured
    /// under <paramref name="section"/>; call it before <c>BindConfiguration</c>.</summary>
    public static OptionsBuilder<T> ReplaceConfiguredLists<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configure<IConfiguration>((options, configuration) => ClearConfigured(options, configuration.GetSection(section)));
    }

    /// <summary>Empties every list property of <paramref name="target"/> that <paramref name="section"/> configures.</summary>
    public static void ClearConfigured(object target, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(section);
        foreach (var property in target.GetType().GetProperties())
        {
            if (property.CanRead && !property.PropertyType.IsArray && typeof(IList).IsAssignableFrom(property.PropertyType)
                && section.GetSection(property.Name).GetChildren().Any() && property.GetValue(target) is IList list)
            {
                list.Clear();
            }
        }
    }
}
