using System.Text;

namespace Collections.Shared.Domain;

/// <summary>The stable text forms of channels, outcomes and phases that reports and the ops CLI print ("whatsapp",
/// "no-answer", "phone-and-messages"): the spelling of the strategy files, never a C# name.</summary>
public static class ContactTexts
{
    /// <summary>"call", "sms", "whatsapp", "email", "letter", "visit".</summary>
    public static string Text(this ContactChannel channel) => channel switch
    {
        ContactChannel.Call => "call",
        ContactChannel.Sms => "sms",
        ContactChannel.WhatsApp => "whatsapp",
        ContactChannel.Email => "email",
        ContactChannel.Letter => "letter",
        ContactChannel.Visit => "visit",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown channel."),
    };

    /// <summary>"pending", "answered", "busy", "no-answer", "failed", "machine", "abandoned", "sent", "delivered", "undelivered", "cancelled".</summary>
    public static string Text(this ContactOutcome outcome) => Kebab(outcome);

    /// <summary>"new", "pre-due-reminder", "written-reminder", "phone-and-messages" ... "closed".</summary>
    public static string Text(this CasePhase phase) => Kebab(phase);

    /// <summary>An enum value in kebab case ("PartlyKept" -> "partly-kept"); for names without acronyms.</summary>
    public static string Kebab(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
