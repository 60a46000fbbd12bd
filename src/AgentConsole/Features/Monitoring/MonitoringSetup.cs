using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Dialing;

namespace Collections.AgentConsole.Features.Monitoring;

/// <summary>Listen, whisper and barge (issue 17 item 2): supervisors join operators' live calls from the wallboard with their
/// phone. Needs the dialer in this process (<c>Collections:Dialing:InProcess</c>); a console-only node refuses the hub methods.</summary>
public static class MonitoringSetup
{
    public static IHostApplicationBuilder AddCallMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>()
            .Validate(o => o.SupervisorExtensions.All(kv => !string.IsNullOrWhiteSpace(kv.Key) && !string.IsNullOrWhiteSpace(kv.Value) && kv.Value.All(char.IsAsciiLetterOrDigit)),
                $"{ConsoleOptions.Section}:SupervisorExtensions: every entry is a supervisor's login and an extension of letters and digits (\"supervisor\": \"1090\").");
        if (builder.Configuration.GetValue(DialingSetup.InProcessKey, defaultValue: true))
        {
            builder.Services.AddSingleton<MonitoringDesk>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<MonitoringDesk>());
        }

        return builder;
    }
}
