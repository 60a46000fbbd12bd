using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.DemoCarrier.Messaging;

/// <summary>The built-in demo messaging provider (<c>Collections:Outreach:DemoMessaging</c>): Twilio's API and an SMTP sink
/// on loopback, used when no Twilio account (<c>Collections:Messaging:Twilio:Enabled</c>) or no SMTP server
/// (<c>Collections:Messaging:Smtp:Host</c>) is configured, as the demo carrier stands in for a missing SIP trunk.</summary>
public sealed class DemoMessagingOptions
{
    public const string Section = "Collections:Outreach:DemoMessaging";

    /// <summary>Off: without credentials nothing is sent on that channel (the entries wait in the queue).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where the console receives Twilio's webhooks (<c>/webhooks/twilio/status</c> and <c>/inbound</c>); unset: the
    /// host's first <c>urls</c> entry (a wildcard host becomes 127.0.0.1), else Kestrel's default http://localhost:5000.</summary>
    public string? WebhookBaseUrl { get; set; }

    /// <summary>Folder of the provider's journal (what it accepted, read back after a restart) and of the e-mails the SMTP
    /// sink received (<c>mail/*.eml</c>); unset: <c>demo-messaging</c> beside the data.</summary>
    public string? Directory { get; set; }

    /// <summary>Share of delivered SMS and WhatsApp messages the simulated debtor answers with STOP (in their language).</summary>
    [Range(0, 100)]
    public double StopPercent { get; set; } = 5;

    /// <summary>Share answered with a "PAID" reply.</summary>
    [Range(0, 100)]
    public double PaidPercent { get; set; } = 10;

    /// <summary>Share of messages the simulated carrier cannot deliver (status undelivered, error 30003).</summary>
    [Range(0, 100)]
    public double UndeliveredPercent { get; set; } = 3;

    /// <summary>Seed of the simulated replies and outcomes: the same seed gives the same answers to the same messages.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Wait between a message's status callbacks (queued, sent, delivered).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait between delivery and the simulated reply.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReplyDelay { get; set; } = TimeSpan.FromSeconds(20);
}
