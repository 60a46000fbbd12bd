using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Security;

/// <summary>Where secrets may come from (<c>Collections:Secrets</c>).</summary>
public sealed class SecretsOptions
{
    public const string Section = "Collections:Secrets";

    /// <summary>A folder of one file per secret, named by its key with <c>__</c> for <c>:</c> (Docker and Kubernetes secrets,
    /// systemd's <c>LoadCredential=</c>); read after every other source. Unset: systemd's <c>$CREDENTIALS_DIRECTORY</c> when
    /// the service has one.</summary>
    public string? Directory { get; set; }
}

/// <summary>
/// Passwords and tokens never in plain configuration in production (issue 19, item 4): outside Development, a secret read
/// from a settings file (appsettings*.json, an INI or XML file) or from the command line (which every user of the machine
/// sees in the process list) stops the host at start, naming the key and where it came from. Secrets come from the
/// environment, a secrets folder (<see cref="SecretsOptions.Directory"/>) or a vault that fills one of those. Creditor API
/// keys and console passwords are stored hashed in the database and are not configuration at all.
/// </summary>
public static class SecretSources
{
    /// <summary>The keys that hold secrets; <c>*</c> stands for one section name (a trunk, an extension).</summary>
    internal static readonly string[] SecretKeys =
    [
        "Collections:Messaging:Twilio:AuthToken",
        "Collections:Messaging:Smtp:Password",
        "Dialer:Trunks:*:Password",
        "Dialer:Registrar:Users:*",
        "Dialer:Sip:Tls:Password",
    ];

    /// <summary>Connection strings are secrets only when they carry a password.</summary>
    internal static readonly string[] ConnectionKeys = ["Collections:Database:ConnectionString", "Collections:SignalR:Redis"];

    public static IHostApplicationBuilder AddSecretSources(this IHostApplicationBuilder builder)
    {
        var directory = builder.Configuration[$"{SecretsOptions.Section}:{nameof(SecretsOptions.Directory)}"] is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (directory is { Length: > 0 })
        {
            // Not optional: a configured secrets folder that is missing is a deployment error, not "no secrets".
            builder.Configuration.AddKeyPerFile(directory, optional: false);
        }

        builder.Services.AddOptions<SecretsOptions>().BindConfiguration(SecretsOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SecretsOptions>>(new SecretSourcesValidator(builder.Configuration, builder.Environment));
        return builder;
    }

    /// <summary>Each secret key set in <paramref name="configuration"/> by a plain source: "key (source)".</summary>
    internal static IReadOnlyList<string> PlainSecrets(IConfigurationRoot configuration)
    {
        var found = new List<string>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value) || !IsSecret(key, value))
            {
                continue;
            }

            // The provider whose value wins is the last one that has the key.
            var source = configuration.Providers.Reverse().FirstOrDefault(p => p.TryGet(key, out _));
            var plain = source switch
            {
                FileConfigurationProvider file => $"file {file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? "").PhysicalPath ?? file.Source.Path}",
                CommandLineConfigurationProvider => "the command line",
                _ => null,
            };
            if (plain is not null)
            {
                found.Add($"{key} ({plain})");
            }
        }

        return found;
    }

    private static bool IsSecret(string key, string value) =>
        SecretKeys.Any(pattern => Matches(pattern, key))
        || (ConnectionKeys.Contains(key, StringComparer.OrdinalIgnoreCase) && value.Contains("password=", StringComparison.OrdinalIgnoreCase));

    private static bool Matches(string pattern, string key)
    {
        var want = pattern.Split(':');
        var have = key.Split(':');
        return want.Length == have.Length && want.Zip(have).All(p => p.First == "*" || string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));
    }

    private sealed class SecretSourcesValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<SecretsOptions>
    {
        public ValidateOptionsResult Validate(string? name, SecretsOptions options)
        {
            if (environment.IsDevelopment() || configuration is not IConfigurationRoot root)
            {
                return ValidateOptionsResult.Success;
            }

            var plain = PlainSecrets(root);
            return plain.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"secrets in plain configuration in {environment.EnvironmentName}: {string.Join(", ", plain)}. Set them in the environment " +
                    $"or a secrets folder ({SecretsOptions.Section}:{nameof(SecretsOptions.Directory)}, one file per key with __ for :) instead (docs/security.md)");
        }
    }
}
