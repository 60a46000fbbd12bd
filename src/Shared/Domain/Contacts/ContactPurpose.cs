namespace Collections.Shared.Domain;

/// <summary>Why a contact is made: the activity report, the screen-pop and the creditor's reports name it.</summary>
public enum ContactPurpose
{
    /// <summary>The strategy's first call or message about the debt.</summary>
    FirstContact = 1,

    /// <summary>A reminder letter, message or call of the strategy after the first contact.</summary>
    Reminder = 2,

    /// <summary>The reminder before an agreed instalment falls due (seed 004).</summary>
    PreInstalment = 3,

    /// <summary>The follow-up of a broken or partly kept promise to pay.</summary>
    PromiseFollowUp = 4,

    /// <summary>The follow-up of a missed instalment.</summary>
    InstalmentFollowUp = 5,

    /// <summary>A call back an operator agreed with the debtor.</summary>
    Callback = 6,

    /// <summary>The confirmation of an agreed settlement (or instalment plan) to the debtor.</summary>
    SettlementConfirmation = 7,

    /// <summary>Any other step of the case's strategy (final demand, hibernation re-check).</summary>
    StrategyStep = 8,

    /// <summary>The debtor called or wrote in.</summary>
    Inbound = 9,
}

/// <summary>The stable text form of <see cref="ContactPurpose"/> (the <c>activity</c> verb's "purpose" field).</summary>
public static class ContactPurposes
{
    /// <summary>"first-contact", "pre-instalment", "promise-follow-up" ...</summary>
    public static string Text(this ContactPurpose purpose) => purpose switch
    {
        ContactPurpose.FirstContact => "first-contact",
        ContactPurpose.Reminder => "reminder",
        ContactPurpose.PreInstalment => "pre-instalment",
        ContactPurpose.PromiseFollowUp => "promise-follow-up",
        ContactPurpose.InstalmentFollowUp => "instalment-follow-up",
        ContactPurpose.Callback => "callback",
        ContactPurpose.SettlementConfirmation => "settlement-confirmation",
        ContactPurpose.StrategyStep => "strategy-step",
        ContactPurpose.Inbound => "inbound",
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown contact purpose."),
    };

    /// <summary>Parses <see cref="Text"/>'s form; false for anything else.</summary>
    public static bool TryParse(string? text, out ContactPurpose purpose)
    {
        foreach (var candidate in Enum.GetValues<ContactPurpose>())
        {
            if (string.Equals(candidate.Text(), text, StringComparison.Ordinal))
            {
                purpose = candidate;
                return true;
            }
        }

        purpose = default;
        return false;
    }
}
