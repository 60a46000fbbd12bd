using System.Security.Cryptography;
using System.Text;

namespace Collections.Dialer.Recording;

/// <summary>
/// The keys that encrypt call recordings at rest (<c>Dialer:Recording:KeyFile</c>): one line per key, <c>&lt;id&gt;
/// &lt;base64 of 32 random bytes&gt;</c>, <c>#</c> starts a comment. The last key writes new recordings; every key reads, so a
/// key is rotated by appending a line (and, when the old key must go, re-encrypting with <c>recordings encrypt
/// --rotate</c> before removing its line).
/// </summary>
/// <remarks>A key file rather than the configuration: the file is kept apart from appsettings and the database (a mounted
/// secret, a systemd credential, a file only the service account reads) and both the console and the CLI read it without
/// ASP.NET Core. ASP.NET Data Protection was not chosen: its payloads are whole messages (a recording is written as the
/// call goes and must survive a crash mid-call) and its key ring is itself plain XML on Linux unless another key protects it.</remarks>
public sealed class RecordingKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    private RecordingKeyRing(Dictionary<string, byte[]> keys, string active)
    {
        _keys = keys;
        ActiveKeyId = active;
    }

    /// <summary>The id of the key new recordings are written with.</summary>
    public string ActiveKeyId { get; }

    /// <summary>The ids of every key that can read.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>The key named <paramref name="id"/>, or null when the ring does not hold it.</summary>
    public byte[]? Find(string id) => _keys.GetValueOrDefault(id);

    internal byte[] ActiveKey => _keys[ActiveKeyId];

    /// <summary>A ring from keys in memory (tests, generated rings); the last is the active one.</summary>
    public static RecordingKeyRing Of(params (string Id, byte[] Key)[] keys)
    {
        ArgumentOutOfRangeException.ThrowIfZero(keys.Length);
        return new RecordingKeyRing(keys.ToDictionary(k => k.Id, k => k.Key.Length == 32 ? k.Key : throw new ArgumentException($"key '{k.Id}' is not 32 bytes")), keys[^1].Id);
    }

    /// <summary>A new line for a key file: an id from today's date and 32 random bytes.</summary>
    public static string NewKeyLine(string id) => $"{id} {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";

    /// <summary>Reads the key file; false with a message naming the file and line when it cannot be used.</summary>
    public static bool TryLoad(string path, out RecordingKeyRing? ring, out string? error)
    {
        ring = null;
        var key = "Dialer:Recording:KeyFile";
        if (!File.Exists(path))
        {
            error = $"{key}: '{path}' does not exist";
            return false;
        }

        // A key file others can read is a key anyone on the machine has.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            error = $"{key}: '{path}' can be read or written by its group or others; make it readable by the service's user only (chmod 600)";
            return false;
        }

        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string? last = null;
        var number = 0;
        foreach (var raw in File.ReadAllLines(path, Encoding.UTF8))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            byte[]? bytes = null;
            if (parts.Length != 2 || !ValidId(parts[0]) || !TryBase64(parts[1], out bytes) || bytes!.Length != 32)
            {
                error = $"{key}: '{path}' line {number}: expected '<id> <base64 of 32 bytes>' with an id of letters, digits, '.', '-' or '_' (at most 64)";
                return false;
            }

            if (!keys.TryAdd(parts[0], bytes))
            {
                error = $"{key}: '{path}' line {number}: key id '{parts[0]}' appears twice";
                return false;
            }

            last = parts[0];
        }

        if (last is null)
        {
            error = $"{key}: '{path}' holds no key (add one with: recordings key >> {path})";
            return false;
        }

        ring = new RecordingKeyRing(keys, last);
        error = null;
        return true;
    }

    private static bool ValidId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool TryBase64(string text, out byte[]? bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        bytes = null;
        return false;
    }
}
