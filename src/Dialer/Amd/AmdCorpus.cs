using System.Globalization;

namespace Collections.Dialer.Amd;

/// <summary>One labelled clip of the AMD corpus (a row of tests/corpus/amd/manifest.csv).</summary>
public sealed record AmdCorpusClip(string Id, string File, bool IsHuman, string Split, string Language, string Kind, int? FirstWordsEndMs)
{
    /// <summary>The speech synthesis engine (second corpus; "espeak-ng" for the first).</summary>
    public string Engine { get; init; } = "espeak-ng";

    /// <summary>The voice as the manifest gives it.</summary>
    public string Voice { get; init; } = "";
}

/// <summary>Reads the corpus manifest written by tools/amd-corpus/build.sh.</summary>
public static class AmdCorpus
{
    /// <summary>File name of the manifest inside the corpus folder.</summary>
    public const string ManifestName = "manifest.csv";

    /// <summary>Reads the manifest in <paramref name="corpusDir"/>; file paths in the result are relative to it.</summary>
    public static IReadOnlyList<AmdCorpusClip> Load(string corpusDir)
    {
        var path = Path.Combine(corpusDir, ManifestName);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new FormatException($"{path}: empty manifest");
        }

        var header = SplitCsv(lines[0]);
        int Column(string name)
        {
            var index = header.IndexOf(name);
            return index >= 0 ? index : throw new FormatException($"{path}: no '{name}' column");
        }

        int id = Column("id"), file = Column("file"), label = Column("label"), split = Column("split"),
            language = Column("language"), kind = Column("kind"), firstEnd = Column("firstWordsEndMs"),
            engine = header.IndexOf("engine"), voice = header.IndexOf("voice");
        var clips = new List<AmdCorpusClip>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            var f = SplitCsv(lines[n]);
            if (f.Count < header.Count)
            {
                throw new FormatException($"{path}:{n + 1}: {f.Count} fields, expected {header.Count}");
            }

            var isHuman = f[label] switch
            {
                "human" => true,
                "machine" => false,
                _ => throw new FormatException($"{path}:{n + 1}: label '{f[label]}' is neither human nor machine"),
            };
            int? end = int.TryParse(f[firstEnd], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : null;
            clips.Add(new AmdCorpusClip(f[id], f[file], isHuman, f[split], f[language], f[kind], end)
            {
                Engine = engine >= 0 ? f[engine] : "espeak-ng",
                Voice = voice >= 0 ? f[voice] : "",
            });
        }

        return clips;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
