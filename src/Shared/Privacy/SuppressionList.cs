using System.Security.Cryptography;
using System.Text;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using NodaTime;

namespace Collections.Shared.Privacy;

/// <summary>
/// One number or e-mail address that must not be contacted, kept as a hash after its owner's data was erased (table
/// <c>suppressions</c>). An objection to contact outlives the erasure of the person who made it: GDPR Art. 21(3) (the data
/// "shall no longer be processed" for that purpose) and Art. 17(3)(b); supervisory authorities expect a suppression list
/// to persist so the number is not contacted again when it reappears on another placement.
/// </summary>
public sealed class SuppressedAddress
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary><see cref="SuppressionList.Hash"/> of the number or address.</summary>
    public required string Hash { get; set; }

    /// <summary>The channel refused; null means every channel.</summary>
    public ContactChannel? Channel { get; set; }

    /// <summary>When the debtor opted out.</summary>
    public Instant At { get; set; }

    /// <summary>How the opt-out arrived ("sms:STOP", "call", ...), as on the opt-out.</summary>
    public required string Source { get; set; }
}

internal sealed class SuppressedAddressConfiguration : IEntityTypeConfiguration<SuppressedAddress>
{
    public void Configure(EntityTypeBuilder<SuppressedAddress> builder)
    {
        builder.ToTable("suppressions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Hash).HasMaxLength(64).IsFixedLength();
        builder.Property(s => s.Source).HasMaxLength(64);
        builder.HasIndex(s => s.Hash);
    }
}

/// <summary>The suppression list: hashes of numbers and addresses of erased debtors that opted out, and their use as
/// opt-outs of any debtor who holds the same number or address later.</summary>
public static class SuppressionList
{
    /// <summary>The source an opt-out read from the list carries, so a refusal names where it came from.</summary>
    public const string SourcePrefix = "suppression list";

    /// <summary>
    /// SHA-256 of the trimmed, lower-cased number or address under a fixed label. A phone number has few enough possible
    /// values that the hash can be reversed by trying them all: this is pseudonymisation (Art. 4(5), Recital 26), not
    /// anonymisation; it keeps the list from being read as a list of numbers, and holds nothing else about the person.
    /// </summary>
    public static string Hash(string address) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("collections-suppression-v1\n" + address.Trim().ToLowerInvariant())));

    /// <summary>The numbers and e-mail address of <paramref name="debtor"/> that the compliance rules check.</summary>
    public static IEnumerable<string> AddressesOf(Debtor debtor) =>
        debtor.Phones.Select(p => p.E164).Append(debtor.Email).OfType<string>().Where(a => a.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// For each debtor, the suppressions that match one of their numbers or addresses, as opt-outs of that debtor (the
    /// address in clear, as the rules compare it), so <c>OptOut</c> refuses the contact exactly as for the debtor's own
    /// opt-out. Keyed by debtor.
    /// </summary>
    public static async Task<ILookup<DebtorId, OptOut>> OptOutsAsync(CollectionsDbContext db, IEnumerable<Debtor> debtors, CancellationToken ct)
    {
        var byHash = debtors.SelectMany(d => AddressesOf(d).Select(a => (Debtor: d.Id, Address: a, Hash: Hash(a)))).ToList();
        if (byHash.Count == 0)
        {
            return Array.Empty<(DebtorId, OptOut)>().ToLookup(x => x.Item1, x => x.Item2);
        }

        var hashes = byHash.Select(x => x.Hash).Distinct().ToList();
        var found = await db.Suppressions.AsNoTracking().Where(s => hashes.Contains(s.Hash)).ToListAsync(ct);
        return (from x in byHash
                join s in found on x.Hash equals s.Hash
                select (x.Debtor, OptOut: new OptOut { DebtorId = x.Debtor, Channel = s.Channel, Address = x.Address, At = s.At, Source = $"{SourcePrefix} ({s.Source})" }))
            .ToLookup(x => x.Debtor, x => x.OptOut);
    }
}
