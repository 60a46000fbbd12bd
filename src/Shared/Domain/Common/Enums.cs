namespace Collections.Shared.Domain;

/// <summary>Whether a debtor is a natural person (consumer law applies) or a business.</summary>
public enum DebtorKind { Consumer = 1, Business = 2 }

/// <summary>The channels through which a debtor can be contacted.</summary>
public enum ContactChannel { Call = 1, Sms = 2, WhatsApp = 3, Email = 4, Letter = 5, Visit = 6 }
