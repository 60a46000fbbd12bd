using System.ComponentModel.DataAnnotations;

namespace Collections.Shared.Workflow;

/// <summary>Case workflow settings, bound from <c>Collections:Workflow</c>.</summary>
public sealed class WorkflowOptions
{
    public const string Section = "Collections:Workflow";

    /// <summary>Folder of the strategy files; relative paths are taken from the content root.</summary>
    [Required]
    public string StrategiesDirectory { get; set; } = Strategies.StrategyLoader.DefaultDirectory;

    /// <summary>How many days before an instalment falls due the reminder call (and message) is queued.</summary>
    [Range(0, 30)]
    public int ReminderDaysBefore { get; set; } = 3;

    /// <summary>Local hour (HH:mm, debtor's zone) at which reminders are queued.</summary>
    [Required]
    [RegularExpression("^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    public string ReminderLocalTime { get; set; } = "10:00";

    /// <summary>Campaign that calls before instalments fall due (seed 004).</summary>
    [Required]
    public string ReminderCampaign { get; set; } = "instalment-reminders";

    /// <summary>Campaign that sends the reminder messages (SMS) beside the call.</summary>
    [Required]
    public string ReminderMessageCampaign { get; set; } = "reminder-messages";

    /// <summary>Campaign that calls after a broken promise or a missed instalment.</summary>
    [Required]
    public string FollowUpCampaign { get; set; } = "follow-up-calls";

    /// <summary>Days after a promise's date during which a payment received still keeps it (bank transfers take a day or two):
    /// the promise is checked the morning after its date, and a payment within these days reverses a broken verdict.</summary>
    [Range(0, 14)]
    public int PromiseGraceDays { get; set; } = 2;

    /// <summary>Days after an instalment's due date during which a payment received still counts as on time: the instalment is
    /// flagged missed the morning after its date, and a payment within these days marks it paid and cancels the follow-up.</summary>
    [Range(0, 14)]
    public int InstalmentGraceDays { get; set; } = 2;

    /// <summary>Missed instalments after which a plan is defaulted and the strategy resumes.</summary>
    [Range(1, 12)]
    public int DefaultAfterMissedInstalments { get; set; } = 2;

    /// <summary>Address changes within <see cref="AddressChangeWindowDays"/> that raise the "address-changes" flag (seed 000).</summary>
    [Range(2, 20)]
    public int AddressChangeThreshold { get; set; } = 3;

    [Range(1, 3650)]
    public int AddressChangeWindowDays { get; set; } = 180;

    /// <summary>Queue of the calls back operators agree with debtors.</summary>
    [Required]
    public string CallbackCampaign { get; set; } = "callbacks";

    /// <summary>Minutes after a callback's time during which only the operator who agreed it gets it (while logged in);
    /// after that any operator who speaks the debtor's language takes it.</summary>
    [Range(0, 1440)]
    public int CallbackGraceMinutes { get; set; } = 30;

    /// <summary>Hours after its time a callback that could not be made is given up.</summary>
    [Range(1, 336)]
    public int CallbackExpiryHours { get; set; } = 48;

    /// <summary>Queue of confirmations and other one-off messages (SMS, WhatsApp, e-mail).</summary>
    [Required]
    public string MessageCampaign { get; set; } = "reminder-messages";

    /// <summary>Queue of printed letters.</summary>
    [Required]
    public string LetterCampaign { get; set; } = "letters";

    /// <summary>Days the strategy's next step waits when a debtor says they have paid (on the phone or by a "PAID" reply),
    /// so the bank statement can show it.</summary>
    [Range(0, 30)]
    public int PaymentReportHoldDays { get; set; } = 5;

    /// <summary>Days a debtor has to pay an agreed settlement.</summary>
    [Range(1, 90)]
    public int SettlementPayByDays { get; set; } = 14;
}
