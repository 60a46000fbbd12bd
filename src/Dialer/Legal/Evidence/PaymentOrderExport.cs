using Collections.Dialer.Messaging;
using Collections.Shared.Domain;
using NodaTime;
using NodaTime.Text;

namespace Collections.Dialer.Legal.Evidence;

/// <summary>A party of a payment order as the record knows it; a field the record does not hold is null and named in
/// <see cref="PaymentOrder.Missing"/>.</summary>
public sealed record PaymentOrderParty(string Role, string Name, string? Street, string? PostalCode, string? City, string? Country, string? Kind = null,
    string? DateOfBirth = null, string? Registration = null);

/// <summary>One claim (main or secondary) as the form asks for it: separately and each on its own (§ 690 (1) no. 3 ZPO).</summary>
public sealed record PaymentOrderClaim(string Kind, string Description, decimal Amount, string Currency, string? Reference = null, string? Date = null);

/// <summary>Interest as claimed: the rate's legal basis and from when, and the amount accrued to the day of the export.</summary>
public sealed record PaymentOrderInterest(string Basis, decimal Principal, string From, string? RateText, decimal AccruedToDate, string AccruedTo);

/// <summary>
/// The data of a court payment order application, structured for a lawyer's software (issue 16, item 3): the German
/// <i>gerichtliches Mahnverfahren</i> (§§ 688-703d ZPO) and the Hungarian <i>fizetési meghagyás</i> (2009. évi L. törvény,
/// Fmhtv.). It is the content the application must have, from the record, with the field names of the procedure; what the
/// record does not hold (the creditor's address, a debtor's date of birth) is listed in <see cref="Missing"/> for the lawyer
/// to complete. It is not the court's transfer format (the German EDA record, the Hungarian MOKK forms): the lawyer's
/// software maps these fields to it. docs/legal.md lists the fields and their sources.
/// </summary>
public sealed record PaymentOrder(
    string Jurisdiction,
    string Procedure,
    string Source,
    string AccountRef,
    string ExportedOn,
    IReadOnlyList<PaymentOrderParty> Parties,
    IReadOnlyList<PaymentOrderClaim> Claims,
    IReadOnlyList<PaymentOrderInterest> Interest,
    decimal PaymentsReceived,
    decimal Balance,
    string Currency,
    string CompetentCourt,
    IReadOnlyList<string> Declarations,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Notes);

/// <summary>Builds <see cref="PaymentOrder"/>s from the record (<see cref="EvidenceCollector"/>).</summary>
public static class PaymentOrderExport
{
    /// <summary>The jurisdictions with an export.</summary>
    public static readonly IReadOnlySet<string> Jurisdictions = new HashSet<string>(StringComparer.Ordinal) { "DE", "HU" };

    /// <summary>The payment order for a claim of <paramref name="jurisdiction"/> (the debtor's country), or null when there is no export for it.</summary>
    public static PaymentOrder? Build(string jurisdiction, LocalDate today, AgencyDetails agency, Creditor creditor, Debtor debtor, Account account,
        IReadOnlyList<(LocalDate From, LocalDate To, decimal Principal, decimal RatePercent, decimal Amount)> interestPeriods, string? interestLaw)
    {
        ArgumentNullException.ThrowIfNull(agency);
        ArgumentNullException.ThrowIfNull(creditor);
        ArgumentNullException.ThrowIfNull(debtor);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(interestPeriods);
        if (!Jurisdictions.Contains(jurisdiction))
        {
            return null;
        }

        var de = jurisdiction == "DE";
        var missing = new List<string>();
        var address = debtor.CurrentAddress;
        if (address is null)
        {
            missing.Add(de ? "Antragsgegner: Anschrift" : "kötelezett: lakóhely/székhely");
        }

        // The record holds the creditor's name and country only.
        missing.Add(de ? "Antragsteller: Anschrift und Rechtsform" : "jogosult: lakóhely/székhely");
        if (!de && debtor.Kind == DebtorKind.Consumer && debtor.DateOfBirth is null)
        {
            missing.Add("kötelezett: születési hely és idő, anyja neve (natural person's identification, if known)");
        }

        var parties = new List<PaymentOrderParty>
        {
            new(de ? "Antragsteller" : "jogosult", creditor.Name, null, null, null, creditor.Country),
            new(de ? "Prozessbevollmächtigter (registrierter Inkassodienstleister, § 10 RDG)" : "jogi képviselő / meghatalmazott", agency.Name, agency.Street, agency.PostalCode, agency.City, agency.Country,
                Registration: agency.Registration),
            new(de ? "Antragsgegner" : "kötelezett", debtor.DisplayName, address?.Street, address?.PostalCode, address?.City, address?.Country,
                debtor.Kind == DebtorKind.Business ? (de ? "Unternehmen" : "gazdálkodó szervezet") : (de ? "natürliche Person (Verbraucher)" : "természetes személy (fogyasztó)"),
                debtor.DateOfBirth is { } born ? LocalDatePattern.Iso.Format(born) : null),
        };

        var claims = new List<PaymentOrderClaim>();
        var invoices = account.Invoices.OrderBy(i => i.IssuedOn).ToList();
        var description = account.Origin ?? account.Industry.ToString();
        if (invoices.Count == 0)
        {
            claims.Add(new(de ? "Hauptforderung" : "főkövetelés", description, account.Principal, account.Currency, account.CreditorReference, LocalDatePattern.Iso.Format(account.DueDate)));
        }
        else
        {
            // Each invoice is a main claim of its own, with its number and date (§ 690 (1) no. 3 ZPO: "einzeln").
            claims.AddRange(invoices.Select(i => new PaymentOrderClaim(de ? "Hauptforderung" : "főkövetelés", description, i.Amount, account.Currency, i.Number, LocalDatePattern.Iso.Format(i.IssuedOn))));
        }

        if (account.Fees > 0)
        {
            claims.Add(new(de ? "Nebenforderung: Inkassokosten / Mahnkosten" : "járulék: behajtási költség", de ? "Kosten der außergerichtlichen Beitreibung" : "a behajtás költségei", account.Fees, account.Currency));
        }

        if (account.Interest > 0)
        {
            claims.Add(new(de ? "Nebenforderung: vertragliche Zinsen (ausgerechnet)" : "járulék: ügyleti kamat", de ? "bis zur Übergabe berechnete Zinsen" : "átadásig felszámított kamat", account.Interest, account.Currency));
        }

        var interest = interestPeriods.GroupBy(p => p.Principal).Select(g => new PaymentOrderInterest(
            interestLaw ?? (de ? "§ 288 BGB" : "Ptk. 6:48"), g.Key, LocalDatePattern.Iso.Format(g.Min(p => p.From)),
            de
                ? (debtor.Kind == DebtorKind.Business ? "9 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 2 BGB)" : "5 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 1 BGB)")
                : (debtor.Kind == DebtorKind.Business ? "jegybanki alapkamat + 8 százalékpont (Ptk. 6:155)" : "jegybanki alapkamat (Ptk. 6:48)"),
            g.Sum(p => p.Amount), LocalDatePattern.Iso.Format(g.Max(p => p.To)))).ToList();

        var notes = new List<string>();
        string court;
        string[] declarations;
        if (de)
        {
            court = "Mahngericht: das Amtsgericht, in dessen Bezirk der Antragsteller seinen allgemeinen Gerichtsstand hat (§ 689 Abs. 2 ZPO; zentrale Mahngerichte der Länder). "
                + $"Für das streitige Verfahren (§ 690 Abs. 1 Nr. 5 ZPO): das Gericht am allgemeinen Gerichtsstand des Antragsgegners (§§ 12, 13 ZPO){(address is null ? string.Empty : $", {address.PostalCode} {address.City}")}.";
            declarations = ["Der Anspruch hängt nicht von einer Gegenleistung ab, oder die Gegenleistung ist erbracht (§ 690 Abs. 1 Nr. 4 ZPO)."];
            notes.Add("A registered collection service provider files in machine-readable form only (§ 690 Abs. 3 ZPO): the lawyer's software maps these fields to the courts' EDA record or the online Mahnantrag.");
            notes.Add("The claim type of the courts' catalogue (Katalog der Anspruchsbezeichnungen) is chosen by the lawyer from the description; the record does not map industries to catalogue numbers.");
            if (account.Industry == Industry.ConsumerCredit)
            {
                missing.Add("Verbraucherdarlehen (§§ 491-508 BGB): Datum des Vertragsschlusses und effektiver Jahreszins (§ 690 Abs. 1 Nr. 3 ZPO)");
            }
        }
        else
        {
            court = "közjegyző (notary), filed through the MOKK electronic system (Fmhtv.); in a contested case the court of the debtor's domicile (Pp. general venue)"
                + (address is null ? "." : $": {address.PostalCode} {address.City}.");
            declarations = ["A követelés lejárt, pénz fizetésére irányul (Fmhtv. 3. §)."];
            notes.Add(account.Currency == "HUF" && account.Balance.Amount <= 3_000_000m
                ? "At most 3 million HUF: a payment order is the only way to enforce this claim (Fmhtv. 3. § (1))."
                : "Above 3 million HUF (or in another currency) the payment order is optional (Fmhtv. 3. §); a lawsuit is the alternative.");
            notes.Add("Hungarian article numbers are as the project read them; to be checked by a Hungarian lawyer before filing.");
        }

        return new PaymentOrder(jurisdiction, de ? "gerichtliches Mahnverfahren" : "fizetési meghagyásos eljárás",
            de ? "§§ 688-703d ZPO, § 690 ZPO (Inhalt des Mahnantrags)" : "2009. évi L. törvény a fizetési meghagyásos eljárásról (Fmhtv.)",
            account.CreditorReference, LocalDatePattern.Iso.Format(today), parties, claims, interest, account.Paid, account.Balance.Amount, account.Currency,
            court, declarations, missing, notes);
    }
}
