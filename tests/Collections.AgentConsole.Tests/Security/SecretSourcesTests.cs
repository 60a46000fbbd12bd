using Collections.AgentConsole.Features.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Tests.Security;

/// <summary>Issue 19, item 4: passwords and tokens never in plain configuration in production. A secret in a settings file or
/// on the command line stops a Production host naming the key and the source, never the value; from the environment or a
/// secrets folder it is accepted; Development (the demo) is not checked.</summary>
public sealed class SecretSourcesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("secrets-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_twilio_token_in_a_production_settings_file_stops_the_host_naming_key_and_file_not_the_value()
    {
        var file = Path.Combine(_folder, "appsettings.Production.json");
        await File.WriteAllTextAsync(file, """{ "Collections": { "Messaging": { "Twilio": { "AuthToken": "tok-123456" } } } }""", Ct);
        using var host = Build(Environments.Production, b => b.Configuration.AddJsonFile(file));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Collections:Messaging:Twilio:AuthToken", refused.Message, StringComparison.Ordinal);
        Assert.Contains(file, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-123456", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sip_password_on_the_command_line_and_a_database_password_in_a_file_are_refused_a_password_free_connection_string_is_not()
    {
        var file = Path.Combine(_folder, "appsettings.json");
        await File.WriteAllTextAsync(file, """{ "Collections": { "Database": { "ConnectionString": "Host=db;Username=c;Password=pw" }, "SignalR": { "Redis": "redis:6379" } } }""", Ct);
        using var host = Build(Environments.Production, b =>
        {
            b.Configuration.AddJsonFile(file);
            b.Configuration.AddCommandLine(["--Dialer:Registrar:Users:1001=secret-pw"]);
        });

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Dialer:Registrar:Users:1001 (the command line)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Collections:Database:ConnectionString", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Collections:SignalR:Redis", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_from_the_environment_or_a_secrets_folder_are_accepted_and_the_folder_is_read()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_folder, "run-secrets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "Collections__Messaging__Smtp__Password"), "smtp-pw", Ct);
        var variable = $"COLLECTIONS_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(variable + "Collections__Messaging__Twilio__AuthToken", "tok-env");
        try
        {
            using var host = Build(Environments.Production, b =>
            {
                b.Configuration.AddEnvironmentVariables(variable);
                b.Configuration.AddInMemoryCollection([KeyValuePair.Create("Collections:Secrets:Directory", (string?)secrets)]);
            });

            await host.StartAsync(Ct);
            var configuration = (IConfiguration)host.Services.GetService(typeof(IConfiguration))!;
            Assert.Equal("smtp-pw", configuration["Collections:Messaging:Smtp:Password"]);
            Assert.Equal("tok-env", configuration["Collections:Messaging:Twilio:AuthToken"]);
            await host.StopAsync(Ct);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable + "Collections__Messaging__Twilio__AuthToken", null);
        }
    }

    [Fact]
    public async Task The_demo_in_development_keeps_its_settings_file()
    {
        var file = Path.Combine(_folder, "appsettings.Development.json");
        await File.WriteAllTextAsync(file, """{ "Collections": { "Messaging": { "Twilio": { "AuthToken": "demo" } } } }""", Ct);
        using var host = Build(Environments.Development, b => b.Configuration.AddJsonFile(file));

        await host.StartAsync(Ct);
        await host.StopAsync(Ct);
    }

    private static IHost Build(string environment, Action<HostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        configure(builder);
        builder.AddSecretSources();
        return builder.Build();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
