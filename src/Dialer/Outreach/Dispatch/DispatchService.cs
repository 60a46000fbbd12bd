using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Outreach.Dispatch;

/// <summary>Runs the dispatcher for the host's lifetime: a batch at a time while entries are due, then a look every
/// <see cref="DispatchOptions.PollInterval"/>.</summary>
public sealed partial class DispatchService(MessageDispatcher dispatcher, IOptions<OutreachOptions> options, TimeProvider time, ILogger<DispatchService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Dispatch;
        if (!settings.Enabled)
        {
            LogDisabled(logger);
            return;
        }

        LogStarted(logger, dispatcher.Node, string.Join(", ", dispatcher.Filter.Channels));
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await dispatcher.DispatchOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be away for a moment: claimed entries come back when their lease runs out.
                LogFailed(logger, ex);
            }

            if (claimed < settings.BatchSize)
            {
                try
                {
                    await Task.Delay(settings.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 5196, Level = LogLevel.Information, Message = "Message dispatcher {Node} started for {Channels}")]
    private static partial void LogStarted(ILogger logger, string node, string channels);

    [LoggerMessage(EventId = 5197, Level = LogLevel.Information, Message = "Message dispatcher disabled (Collections:Outreach:Dispatch:Enabled=false): due messages and letters wait")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(EventId = 5198, Level = LogLevel.Warning, Message = "Dispatch pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
