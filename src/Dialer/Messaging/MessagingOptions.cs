using System.ComponentModel.DataAnnotations;

namespace Collections.Dialer.Messaging;

/// <summary>Messaging settings shared by every channel (<c>Collections:Messaging</c>).</summary>
public sealed class MessagingOptions
{
    public const string Section = "Collections:Messaging";

    /// <summary>Folder of the message templates (one YAML file per language); relative paths are looked up like the rule packs.</summary>
    [Required]
    public string TemplateDirectory { get; set; } = "config/templates";

    /// <summary>The agency that sends the messages and letters, named in each of them.</summary>
    [Required]
    public AgencyDetails Agency { get; set; } = new();
}

/// <summary>The collection agency's details printed on letters and named in messages (RDG § 11a: who collects for whom).</summary>
public sealed class AgencyDetails
{
    [Required]
    public string Name { get; set; } = "Collections Demo Agency";

    public string Street { get; set; } = "1 Example Street";

    public string PostalCode { get; set; } = "10115";

    public string City { get; set; } = "Berlin";

    public string Country { get; set; } = "DE";

    [Required]
    public string Phone { get; set; } = "+49 30 1234567";

    [Required]
    public string Email { get; set; } = "service@collections.example";

    /// <summary>Registration or licence (Germany: entry in the Rechtsdienstleistungsregister).</summary>
    public string? Registration { get; set; } = "Rechtsdienstleistungsregister Berlin, Az. 3712 E-RDG 1.1234";

    /// <summary>Account payments go to.</summary>
    public string? Iban { get; set; } = "DE89 3704 0044 0532 0130 00";
}
