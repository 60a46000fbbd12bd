using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Collections.Dialer.Messaging.Inbound;
using Collections.Dialer.Messaging.Twilio;
using Collections.Shared.Import;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneNumbers;

namespace Collections.Dialer.DemoCarrier.Messaging;

/// <summary>
/// The demo's SMS and WhatsApp provider (DESIGN.md 6, beside the demo carrier): Twilio's Messages API on 127.0.0.1
/// (<see cref="TwilioApiSimulator"/> on a <see cref="LoopbackHttpServer"/>), so the real <see cref="TwilioMessagesClient"/>,
/// the signed status callbacks to <c>/webhooks/twilio/status</c> and the reconciliation after a crash all run in the demo.
/// Simulated debtors answer part of the delivered messages, signed, on <c>/webhooks/twilio/inbound</c>: STOP (in the
/// language of the number's country, as the opt-out keywords list it) or a "PAID" reply; which message gets which answer
/// follows from <see cref="DemoMessagingOptions.Seed"/>, the number and how many messages it received, so a run repeats.
/// </summary>
public sealed partial class DemoMessagingProvider : IHostedService, IAsyncDisposable
{
    /// <summary>The demo account's SID (fixed, so the journal of a previous run still belongs to it).</summary>
    public const string AccountSid = "AC0de30c011ec7101150de30c011ec7101";

    /// <summary>Twilio's magic test number, valid as an SMS sender.</summary>
    public const string SmsFrom = "+15005550006";

    /// <summary>Twilio's WhatsApp sandbox number.</summary>
    public const string WhatsAppFrom = "+14155238886";

    private readonly DemoMessagingOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly LoopbackHttpServer server;
    private readonly ConcurrentDictionary<string, int> received = new();
    private readonly ConcurrentDictionary<string, int> delivered = new();
    private readonly CancellationTokenSource stopping = new();
    private int disposed;

    public DemoMessagingProvider(DemoMessagingOptions options, string directory, Uri webhookBase, TimeProvider time, ILogger<DemoMessagingProvider> logger)
    {
        this.options = options;
        this.time = time;
        this.logger = logger;
        WebhookBase = webhookBase;
        // A fresh token per process: only this process's simulator can sign webhooks the console accepts.
        AuthToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Simulator = new TwilioApiSimulator(AccountSid, AuthToken, time, Path.Combine(directory, "twilio.jsonl"))
        {
            StatusInterval = options.StatusInterval,
            OutcomeFor = number => Draw("outcome", number, received.AddOrUpdate(number, 1, (_, n) => n + 1)) < options.UndeliveredPercent
                ? SimulatedOutcome.Undelivered
                : SimulatedOutcome.Delivered,
            Delivered = ReplyAsync,
        };
        server = new LoopbackHttpServer(Simulator.HandleAsync, logger);
    }

    public TwilioApiSimulator Simulator { get; }

    public string AuthToken { get; }

    /// <summary>Where the API listens (the client's <see cref="TwilioOptions.BaseUrl"/>).</summary>
    public Uri BaseUrl => server.BaseUrl;

    /// <summary>Where the console receives webhooks.</summary>
    public Uri WebhookBase { get; }

    /// <summary>Points the Twilio client at this provider, with its credentials and senders.</summary>
    public void Configure(TwilioOptions twilio)
    {
        twilio.Enabled = true;
        twilio.BaseUrl = BaseUrl.AbsoluteUri;
        twilio.AccountSid = AccountSid;
        twilio.AuthToken = AuthToken;
        twilio.SmsFrom = SmsFrom;
        twilio.WhatsAppFrom = WhatsAppFrom;
        twilio.WebhookBaseUrl ??= WebhookBase.AbsoluteUri.TrimEnd('/');
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.Start();
        LogStarted(logger, BaseUrl, WebhookBase, Simulator.Messages.Count);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await server.DisposeAsync();
        stopping.Dispose();
    }

    /// <summary>The simulated debtor's answer to a delivered message, if any, posted after <see cref="DemoMessagingOptions.ReplyDelay"/>.</summary>
    private async Task ReplyAsync(TwilioMessageResource message)
    {
        var (whatsApp, number) = TwilioAddress.Parse(message.To ?? "");
        var draw = Draw("reply", number, delivered.AddOrUpdate(number, 1, (_, n) => n + 1));
        var language = LanguageOf(number);
        string? reply = draw < options.StopPercent ? OptOutKeywords.ByLanguage[language][0]
            : draw < options.StopPercent + options.PaidPercent ? PaymentReplyKeywords.ByLanguage[language][0]
            : null;
        if (reply is null)
        {
            return;
        }

        try
        {
            if (options.ReplyDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.ReplyDelay, time, stopping.Token);
            }

            if (!whatsApp && draw < options.StopPercent)
            {
                // Twilio itself blocks a number that texted STOP to the sender (error 21610 on the next message).
                Simulator.Unsubscribe(number);
            }

            using var answer = await Simulator.SendInboundAsync(new Uri(WebhookBase, "webhooks/twilio/inbound"), TwilioAddress.For(whatsApp, number), message.From ?? "", reply);
            LogReplied(logger, Mask(number), reply, (int)answer.StatusCode);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or ObjectDisposedException)
        {
            // The host is stopping or the console is not reachable: the reply is lost, as a text to a dead number would be.
        }
    }

    /// <summary>A number in [0, 100) that depends only on the seed, the kind of draw, the number and its message count.</summary>
    private double Draw(string kind, string number, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{options.Seed}|{kind}|{number}|{count}")));
        return BitConverter.ToUInt32(hash, 0) % 10_000 / 100.0;
    }

    private static string LanguageOf(string number)
    {
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            var language = AccountRowParser.LanguageOf(util.GetRegionCodeForNumber(util.Parse(number, null)));
            return OptOutKeywords.ByLanguage.ContainsKey(language) && PaymentReplyKeywords.ByLanguage.ContainsKey(language) ? language : "en";
        }
        catch (NumberParseException)
        {
            return "en";
        }
    }

    private static string Mask(string number) => number.Length <= 3 ? "***" : new string('*', number.Length - 3) + number[^3..];

    [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "Demo messaging provider (Twilio API) on {BaseUrl}, webhooks to {WebhookBase}; {Known} messages from earlier runs")]
    private static partial void LogStarted(ILogger logger, Uri baseUrl, Uri webhookBase, int known);

    [LoggerMessage(EventId = 5202, Level = LogLevel.Information, Message = "Demo debtor {Number} replied {Reply} (webhook answered {Status})")]
    private static partial void LogReplied(ILogger logger, string number, string reply, int status);
}
