using System.Security.Cryptography;
using System.Text;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Collections.Shared.Creditors;

/// <summary>A key just made: <see cref="Key"/> is shown this once and never stored.</summary>
public sealed record NewCreditorKey(string Creditor, string KeyId, string Key);

/// <summary>Who a key belongs to, once accepted.</summary>
public sealed record CreditorKeyOwner(string KeyId, CreditorId CreditorId, string CreditorCode);

/// <summary>Creates, revokes and checks creditor API keys. A key is <c>ck_&lt;16 hex&gt;.&lt;43 base64url characters&gt;</c>: the
/// first part names the row, the second is 256 random bits. With that much entropy a single SHA-256 is the right hash
/// (OWASP Password Storage Cheat Sheet: slow hashes are for low-entropy secrets that can be guessed), and it keeps the
/// check per request cheap.</summary>
public sealed class CreditorKeys(CollectionsDbContext db, TimeProvider time)
{
    private const string Prefix = "ck_";

    private Instant Now => Instant.FromDateTimeOffset(time.GetUtcNow());

    /// <summary>A new key for the creditor with <paramref name="creditorCode"/>; null when there is no such creditor.</summary>
    public async Task<NewCreditorKey?> CreateAsync(string creditorCode, CancellationToken ct = default)
    {
        var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == creditorCode, ct);
        if (creditor is null)
        {
            return null;
        }

        var keyId = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var key = keyId + "." + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        db.CreditorApiKeys.Add(new CreditorApiKey { KeyId = keyId, CreditorId = creditor.Id, Hash = HashOf(key), CreatedAt = Now });
        await db.SaveChangesAsync(ct);
        return new NewCreditorKey(creditor.Code, keyId, key);
    }

    /// <summary>Revokes <paramref name="keyId"/>; false when there is no such key. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken ct = default)
    {
        var key = await db.CreditorApiKeys.FirstOrDefaultAsync(k => k.KeyId == keyId, ct);
        if (key is null)
        {
            return false;
        }

        key.RevokedAt ??= Now;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The owner of <paramref name="presented"/>, or null when it is malformed, unknown, revoked or wrong.</summary>
    public async Task<CreditorKeyOwner?> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        var dot = presented.IndexOf('.', StringComparison.Ordinal);
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || dot is < 4 or > 32)
        {
            return null;
        }

        var keyId = presented[..dot];
        var row = await db.CreditorApiKeys.FirstOrDefaultAsync(k => k.KeyId == keyId, ct);
        if (row is null || row.RevokedAt is not null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashOf(presented)), Encoding.ASCII.GetBytes(row.Hash)))
        {
            return null;
        }

        var now = Now;
        if (row.LastUsedAt is null || now - row.LastUsedAt.Value >= Duration.FromMinutes(1))
        {
            row.LastUsedAt = now;
            await db.SaveChangesAsync(ct);
        }

        var code = await db.Creditors.Where(c => c.Id == row.CreditorId).Select(c => c.Code).SingleAsync(ct);
        return new CreditorKeyOwner(keyId, row.CreditorId, code);
    }

    private static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
