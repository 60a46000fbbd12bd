namespace Collections.Shared.Interest;

/// <summary>Who owes the money: the statutory rate and flat fee depend on it (e.g. BGB § 288 (1) versus (2)).</summary>
public enum DebtorKind
{
    /// <summary>A natural person acting outside a trade or profession.</summary>
    Consumer,

    /// <summary>An undertaking or public authority (a commercial transaction).</summary>
    Business,
}
