using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collections.Dialer.Cli;

/// <summary>The ops CLI's output contract: one JSON object per line on stdout, messages on stderr.</summary>
public static class CliOutput
{
    /// <summary>Exit code for success.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for bad input (DESIGN.md section 5).</summary>
    public const int BadInput = 2;

    /// <summary>Serializer settings every verb uses, so field names are camelCase everywhere.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Lock Gate = new();

    /// <summary>Writes one JSON line to stdout.</summary>
    public static void WriteLine<T>(T value, TextWriter? writer = null)
    {
        var line = JsonSerializer.Serialize(value, Json);
        lock (Gate)
        {
            (writer ?? Console.Out).WriteLine(line);
        }
    }

    /// <summary>Writes a message for a person to stderr and returns <see cref="BadInput"/>.</summary>
    public static int Fail(string message, TextWriter? writer = null)
    {
        (writer ?? Console.Error).WriteLine(message);
        return BadInput;
    }
}
