using Collections.Dialer.Messaging.Twilio;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Messaging;

/// <summary>Settles messages left "sending" by a crash: once at start, then every <see cref="TwilioOptions.ReconcileAfter"/>.</summary>
/// <param name="sends">False on a node that sends nothing (dispatch off): it leaves reconciliation to the nodes that send.</param>
public sealed partial class MessageReconciliationService(OutboundMessageSender sender, IOptions<TwilioOptions> options, TimeProvider time, ILogger<MessageReconciliationService> logger, bool sends = true)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || !sends)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.ReconcileAfter, time);
        do
        {
            try
            {
                var results = await sender.ReconcileAsync(stoppingToken);
                if (results.Count > 0)
                {
                    LogReconciled(logger, results.Count, results.Count(r => r.Status == SendStatus.Uncertain));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database or Twilio may be down for a while: the next tick tries again.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5171, Level = LogLevel.Information, Message = "Reconciled {Count} message(s) left sending; {Uncertain} need an operator")]
    private static partial void LogReconciled(ILogger logger, int count, int uncertain);

    [LoggerMessage(EventId = 5172, Level = LogLevel.Warning, Message = "Reconciliation pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
