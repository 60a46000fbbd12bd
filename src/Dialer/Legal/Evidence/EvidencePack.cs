using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collections.Dialer.Legal.Evidence;

/// <summary>One file of an evidence pack: its path inside the ZIP and its bytes.</summary>
public sealed record EvidenceFile(string Path, byte[] Content);

/// <summary>What <see cref="EvidencePack.Write"/> produced.</summary>
/// <param name="Files">Files listed in the manifest (the manifest itself not counted).</param>
/// <param name="Sha256">SHA-256 of <c>manifest.json</c>, hex: one value that fixes every file of the pack.</param>
public sealed record EvidencePackSummary(int Files, string Sha256);

/// <summary>A file of the pack that does not match its manifest.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">"changed", "missing" or "not in the manifest".</param>
public sealed record EvidenceProblem(string Path, string Problem);

/// <summary>What <see cref="EvidencePack.Verify"/> found.</summary>
public sealed record EvidenceVerification(int Files, string? Sha256, IReadOnlyList<EvidenceProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>The pack's container: a ZIP with the files, <c>manifest.json</c> (path, size and SHA-256 of every file) and
/// <c>manifest.sha256</c> (the manifest's own SHA-256, in the format <c>sha256sum -c</c> reads), so a change to any file,
/// to the manifest, or an added or removed file is detected.</summary>
public static class EvidencePack
{
    public const string ManifestName = "manifest.json";

    public const string ManifestHashName = "manifest.sha256";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="files"/> and their manifest into <paramref name="zip"/>; entries carry <paramref name="createdAt"/>.</summary>
    public static EvidencePackSummary Write(Stream zip, string accountRef, DateTimeOffset createdAt, IReadOnlyList<EvidenceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var duplicate = files.GroupBy(f => f.Path, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two files named '{duplicate.Key}'", nameof(files));
        }

        var manifest = new Manifest(accountRef, createdAt, "SHA-256", [.. files.Select(f => new ManifestEntry(f.Path, f.Content.LongLength, Hex(f.Content)))]);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        var manifestHash = Hex(manifestBytes);
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                Add(archive, file.Path, file.Content, createdAt);
            }

            Add(archive, ManifestName, manifestBytes, createdAt);
            Add(archive, ManifestHashName, Encoding.ASCII.GetBytes($"{manifestHash}  {ManifestName}\n"), createdAt);
        }

        return new EvidencePackSummary(files.Count, manifestHash);
    }

    /// <summary>Checks every file of the pack in <paramref name="zip"/> against its manifest and the manifest against its hash.</summary>
    /// <exception cref="InvalidDataException">Not a ZIP, or no readable manifest.</exception>
    public static EvidenceVerification Verify(Stream zip)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, StringComparer.Ordinal);
        if (!entries.TryGetValue(ManifestName, out var manifestEntry))
        {
            throw new InvalidDataException($"{ManifestName} is not in the pack");
        }

        var manifestBytes = Read(manifestEntry);
        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(manifestBytes, Json) ?? throw new InvalidDataException($"{ManifestName} is empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{ManifestName} is not a manifest: {ex.Message}", ex);
        }

        var problems = new List<EvidenceProblem>();
        var manifestHash = Hex(manifestBytes);
        var recorded = entries.TryGetValue(ManifestHashName, out var hashEntry) ? Encoding.ASCII.GetString(Read(hashEntry)).Split(' ', 2)[0].Trim() : null;
        if (recorded is null)
        {
            problems.Add(new EvidenceProblem(ManifestHashName, "missing"));
        }
        else if (!string.Equals(recorded, manifestHash, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new EvidenceProblem(ManifestName, "changed"));
        }

        foreach (var file in manifest.Files ?? [])
        {
            if (!entries.TryGetValue(file.Path, out var entry))
            {
                problems.Add(new EvidenceProblem(file.Path, "missing"));
            }
            else if (!string.Equals(Hex(Read(entry)), file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add(new EvidenceProblem(file.Path, "changed"));
            }
        }

        var listed = (manifest.Files ?? []).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(entries.Keys.Where(k => k is not ManifestName and not ManifestHashName && !listed.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => new EvidenceProblem(k, "not in the manifest")));
        return new EvidenceVerification(manifest.Files?.Count ?? 0, recorded, problems);
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void Add(ZipArchive archive, string path, byte[] content, DateTimeOffset at)
    {
        var entry = archive.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = at;
        using var stream = entry.Open();
        stream.Write(content);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed record Manifest(string AccountRef, DateTimeOffset CreatedAt, string Algorithm, IReadOnlyList<ManifestEntry>? Files);

    private sealed record ManifestEntry(string Path, long Bytes, string Sha256);
}
