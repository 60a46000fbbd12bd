using NodaTime;

namespace Collections.Shared.Domain;

/// <summary>Whether a number reaches a mobile or a fixed line (TCPA consent rules differ).</summary>
public enum PhoneKind { Unknown = 0, Mobile = 1, Landline = 2, Voip = 3 }

/// <summary>A debtor's phone number in E.164 form, with what it may be used for.</summary>
public sealed class PhoneNumber
{
    public PhoneNumberId Id { get; set; } = PhoneNumberId.New();

    public DebtorId DebtorId { get; set; }

    /// <summary>E.164 form, for example "+4930123456".</summary>
    public required string E164 { get; set; }

    public PhoneKind Kind { get; set; }

    /// <summary>ISO 3166-1 alpha-2 region the number belongs to, from its country code.</summary>
    public required string Region { get; set; }

    /// <summary>Order in which numbers are tried (1 first).</summary>
    public int Priority { get; set; } = 1;

    /// <summary>Prior express consent to autodialed or prerecorded calls and texts (TCPA, 47 U.S.C. 227(b)(1)(A)(iii)).</summary>
    public bool AutodialConsent { get; set; }

    /// <summary>Where the consent came from (contract clause, web form, recorded call), kept as evidence.</summary>
    public string? ConsentSource { get; set; }

    public Instant? ConsentAt { get; set; }

    /// <summary>An operator found the number does not reach the debtor (a wrong or reassigned number): never dialed again.</summary>
    public Instant? WrongNumberAt { get; set; }
}
