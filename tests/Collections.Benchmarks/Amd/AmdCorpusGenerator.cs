using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Collections.Dialer.Media.Audio;

namespace Collections.Benchmarks.Amd;

/// <summary>
/// Generates the second AMD corpus (docs/amd.md, "The second corpus"): answered calls' first 6 seconds from several speech
/// synthesis engines (espeak-ng with many voice variants, festival diphone/HTS voices, flite), people answering with
/// anything from one word to a full introduction, machines with personal greetings, carrier voicemail, special information
/// tones and intercept messages, beeps or none; speech level, background noise, the telephone band, G.711 A-law or mu-law
/// and lost packets varied per clip.
/// </summary>
/// <remarks>
/// Reproducible: the plan comes from the seed, and every random choice of a clip comes from a generator seeded with the
/// MD5 of its id, so a clip does not change when the count changes. The engines are Debian bookworm's espeak-ng 1.51,
/// festival 2.5 and flite 2.2, run as processes (sox resamples and trims their output); everything after synthesis
/// (mixing, tones, noise, band filter, G.711, packet loss) is done here.
///
/// Splits, fixed here before any training: the flite engine is never used for training (<c>heldout-engine</c>); some
/// voices of the other engines are never used for training (<c>heldout</c>); the rest are <c>train</c> or <c>tune</c>
/// by the MD5 of the clip id (one in four tune).
/// </remarks>
internal sealed class AmdCorpusGenerator
{
    private const int Rate = 8000;
    private const int ClipMs = 6000;

    private static readonly string[] EspeakTrainVariants =
        ["m1", "m2", "m3", "m4", "m5", "f1", "f2", "f3", "klatt", "klatt2", "Andy", "Annie", "adam", "anika", "aunty", "belinda",
         "benjamin", "caleb", "david", "edward", "john", "linda", "max", "michel", "norbert", "paul", "quincy", "rob", "robert",
         "steph", "travis", "victor"];

    private static readonly string[] EspeakHeldOutVariants = ["m6", "m7", "m8", "f4", "f5", "klatt3", "klatt4", "Alex", "Alicia", "Gene", "grandma", "grandpa", "iven", "shelby", "zac"];

    private static readonly Dictionary<string, string[]> EspeakBase = new(StringComparer.Ordinal)
    {
        ["en"] = ["en-us", "en", "en-gb-x-rp", "en-gb-scotland"],
        ["de"] = ["de"],
        ["hu"] = ["hu"],
        ["lv"] = ["lv"],
        ["sl"] = ["sl"],
        ["sq"] = ["sq"],
    };

    /// <summary>A synthesis voice; <see cref="HeldOut"/> voices never appear in the train or tune split.</summary>
    internal sealed record Voice(string Engine, string Name, string[] Languages, bool HeldOut, string? Encoding = null);

    internal static IReadOnlyList<Voice> Voices { get; } =
    [
        .. EspeakTrainVariants.Select(v => new Voice("espeak-ng", v, ["en", "de", "hu", "lv", "sl", "sq"], HeldOut: false)),
        .. EspeakHeldOutVariants.Select(v => new Voice("espeak-ng", v, ["en", "de", "hu", "lv", "sl", "sq"], HeldOut: true)),
        new("festival", "kal_diphone", ["en"], false, "us-ascii"),
        new("festival", "cmu_us_slt_arctic_hts", ["en"], false, "us-ascii"),
        new("festival", "czech_dita", ["sl", "lv", "de"], false, "iso-8859-2"),
        new("festival", "lp_diphone", ["sq"], false, "iso-8859-1"),
        new("festival", "hy_fi_mv_diphone", ["hu"], false, "iso-8859-1"),
        new("festival", "ked_diphone", ["en"], true, "us-ascii"),
        new("festival", "czech_ph", ["sl", "lv", "de"], true, "iso-8859-2"),
        new("festival", "pc_diphone", ["sq"], true, "iso-8859-1"),
        .. new[] { "kal", "kal16", "awb", "rms", "slt" }.Select(v => new Voice("flite", v, ["en"], HeldOut: true)),
    ];

    private static readonly (string Label, string Kind, int Weight)[] Kinds =
    [
        ("human", "short", 10), ("human", "again", 8), ("human", "second", 6), ("human", "long", 8), ("human", "late", 3),
        ("human", "quiet", 3), ("human", "longagain", 4),
        ("machine", "greeting", 10), ("machine", "late", 3), ("machine", "medium", 7), ("machine", "carrier", 6),
        ("machine", "intercept", 3), ("machine", "shortbeep", 4), ("machine", "short", 3), ("machine", "beeponly", 2),
    ];

    private static readonly int[] BeepFrequencies = [425, 440, 600, 800, 850, 1000, 1000, 1200, 1400, 1800];

    // ITU-T E.180 Supplement 2 special information tone: 950/1400/1800 Hz nominal; the North American SIT uses
    // 913.8 or 985.2, 1370.6 or 1428.5 and 1776.7 Hz segments of 274 or 380 ms (Telcordia GR-1162).
    private static readonly double[][] SitFrequencies = [[913.8, 1370.6, 1776.7], [985.2, 1428.5, 1776.7], [950, 1400, 1800]];

    private readonly string _out;
    private readonly string _tmp;
    private readonly TextWriter _log;

    private AmdCorpusGenerator(string outDir, TextWriter log)
    {
        _out = outDir;
        _log = log;
        _tmp = Path.Combine(Path.GetTempPath(), "amd-corpus-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>One planned clip.</summary>
    internal sealed record Plan(string Id, string Label, string Kind, string Language, Voice Voice, string Split);

    /// <summary>A generated clip's manifest row.</summary>
    private sealed record Row(Plan Plan, string File, string Encoding, double LossPercent, int LeadMs, int? FirstWordsEndMs, int SpeechEndMs,
        int? BeepHz, int? BeepStartMs, int? SitStartMs, double Level, string Noise, string VoiceDetail, string Text, string Sha256);

    /// <summary>Entry point of the <c>amd-corpus</c> benchmark verb.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var outDir = args.Length > 0 ? args[0] : Path.Combine(".cache", "amd-corpus");
        var perEngine = new Dictionary<string, int>(StringComparer.Ordinal) { ["espeak-ng"] = 1500, ["festival"] = 650, ["flite"] = 350 };
        var workers = 2;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--espeak": perEngine["espeak-ng"] = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--festival": perEngine["festival"] = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--flite": perEngine["flite"] = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    await Console.Error.WriteLineAsync($"amd-corpus: unknown option {args[i]} (--espeak N --festival N --flite N --workers N)");
                    return 2;
            }
        }

        foreach (var tool in new[] { "espeak-ng", "text2wave", "flite", "sox" })
        {
            if (!OnPath(tool))
            {
                await Console.Error.WriteLineAsync($"amd-corpus: {tool} is missing (apt-get install espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-czech-dita festvox-czech-ph festvox-italp16k festvox-itapc16k festvox-suopuhe-mv flite sox)");
                return 2;
            }
        }

        var generator = new AmdCorpusGenerator(outDir, Console.Error);
        return generator.Generate(BuildPlan(perEngine), workers);
    }

    /// <summary>The clip plan: for each engine the given number of clips, voices in turn, languages and kinds drawn by weight.</summary>
    internal static List<Plan> BuildPlan(IReadOnlyDictionary<string, int> perEngine)
    {
        var plans = new List<Plan>();
        foreach (var (engine, count) in perEngine.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var voices = Voices.Where(v => v.Engine == engine).ToList();
            for (var i = 0; i < count; i++)
            {
                var voice = voices[i % voices.Count];
                var random = SeededRandom($"{engine}/{i}");
                var language = voice.Languages[random.Next(voice.Languages.Length)];
                var (label, kind) = DrawKind(random);
                var id = $"{label[0]}-{language}-{kind}-{engine}-{voice.Name}-{i:D4}";
                var split = engine == "flite" ? "heldout-engine"
                    : voice.HeldOut ? "heldout"
                    : Md5Prefix(id) % 4 == 0 ? "tune" : "train";
                plans.Add(new Plan(id, label, kind, language, voice, split));
            }
        }

        return plans;
    }

    private static (string Label, string Kind) DrawKind(Random random)
    {
        var total = Kinds.Sum(k => k.Weight);
        var r = random.Next(total);
        foreach (var (label, kind, weight) in Kinds)
        {
            if (r < weight)
            {
                return (label, kind);
            }

            r -= weight;
        }

        throw new InvalidOperationException("unreachable");
    }

    private int Generate(List<Plan> plans, int workers)
    {
        Directory.CreateDirectory(_tmp);
        Directory.CreateDirectory(Path.Combine(_out, "human"));
        Directory.CreateDirectory(Path.Combine(_out, "machine"));
        var rows = new ConcurrentDictionary<string, Row>(StringComparer.Ordinal);
        var failures = new ConcurrentBag<string>();
        var done = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            Parallel.ForEach(plans, new ParallelOptions { MaxDegreeOfParallelism = workers }, plan =>
            {
                try
                {
                    rows[plan.Id] = MakeClip(plan);
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or WavFormatException)
                {
                    failures.Add($"{plan.Id}: {e.Message}");
                }

                var n = Interlocked.Increment(ref done);
                if (n % 100 == 0)
                {
                    _log.WriteLine($"amd-corpus: {n}/{plans.Count} clips ({clock.Elapsed.TotalSeconds:F0} s)");
                }
            });
        }
        finally
        {
            Directory.Delete(_tmp, recursive: true);
        }

        foreach (var failure in failures.Order(StringComparer.Ordinal))
        {
            _log.WriteLine("amd-corpus: FAILED " + failure);
        }

        WriteManifest(plans.Where(p => rows.ContainsKey(p.Id)).Select(p => rows[p.Id]).ToList());
        _log.WriteLine($"amd-corpus: wrote {rows.Count} clips and {Path.Combine(_out, "manifest.csv")} in {clock.Elapsed.TotalSeconds:F0} s");
        return failures.IsEmpty ? 0 : 1;
    }

    private void WriteManifest(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.Append("id,file,label,split,language,kind,engine,voice,encoding,lossPercent,leadingSilenceMs,firstWordsEndMs,speechEndMs,beepHz,beepStartMs,sitStartMs,speechLevel,noise,sha256,text\n");
        foreach (var r in rows)
        {
            var p = r.Plan;
            sb.Append(CultureInfo.InvariantCulture,
                $"{p.Id},{r.File},{p.Label},{p.Split},{p.Language},{p.Kind},{p.Voice.Engine},{r.VoiceDetail},{r.Encoding},{r.LossPercent:0.0},{r.LeadMs},{r.FirstWordsEndMs},{r.SpeechEndMs},{r.BeepHz},{r.BeepStartMs},{r.SitStartMs},{r.Level:0.000},{r.Noise},{r.Sha256},\"{r.Text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n");
        }

        File.WriteAllText(Path.Combine(_out, "manifest.csv"), sb.ToString(), new UTF8Encoding(false));
    }

    private Row MakeClip(Plan plan)
    {
        var random = SeededRandom(plan.Id);
        var phrases = CorpusPhrases.ByLanguage[plan.Language];
        var human = plan.Label == "human";
        var prosody = Prosody.Draw(plan.Voice, human, plan.Kind is "long" or "longagain", random);
        var level = human ? Between(random, 0.15, 0.9) : Between(random, 0.2, 0.9);
        var noiseKind = Pick(random, ["none", "white", "pink", "brown", "pink", "hum"]);
        var noiseLevel = noiseKind == "none" ? 0 : Between(random, 0.002, human ? 0.03 : 0.025);
        if (plan.Kind == "quiet")
        {
            level = Between(random, 0.1, 0.2);
            noiseKind = Pick(random, ["white", "pink", "brown"]);
            noiseLevel = Between(random, 0.02, 0.045);
        }

        var lead = plan.Kind switch
        {
            "late" => random.Next(1500, 2600),
            "intercept" => random.Next(0, 400),
            "long" or "longagain" => random.Next(250, 1000),
            _ when human => random.Next(250, 1600),
            _ => random.Next(200, 1200),
        };

        var clip = new float[Rate * ClipMs / 1000];
        var at = lead;
        int? firstEnd = null, beepHz = null, beepAt = null, sitAt = null;
        var texts = new List<string>();

        int Say(string text, double gain)
        {
            texts.Add(text);
            var speech = Synthesize(plan, text, prosody);
            var start = at;
            Mix(clip, speech, at, gain);
            at += speech.Length * 1000 / Rate;
            return start;
        }

        switch (plan.Kind)
        {
            case "short" or "late" when human:
            case "quiet":
                Say(Pick(random, phrases.Short), level);
                firstEnd = at;
                break;
            case "again":
                Say(Pick(random, phrases.Short), level);
                firstEnd = at;
                at += random.Next(1000, 2600);
                Say(Pick(random, phrases.Again), level);
                break;
            case "second":
                Say(Pick(random, phrases.Short), level);
                at += random.Next(250, 700);
                Say(Pick(random, phrases.Second), level);
                firstEnd = at;
                break;
            case "long":
                Say(Pick(random, phrases.Long), level);
                firstEnd = at;
                break;
            case "longagain":
                Say(Pick(random, phrases.Long), level);
                firstEnd = at;
                at += random.Next(1200, 2600);
                Say(Pick(random, phrases.Again), level);
                break;
            case "greeting" or "late":
                Say(Pick(random, phrases.MachineLong), level);
                Beep(random.Next(3) == 0);
                break;
            case "medium":
                Say(Pick(random, phrases.MachineMedium), level);
                Beep(true);
                break;
            case "carrier":
                Say(Pick(random, phrases.Carrier), level);
                Beep(random.Next(2) == 0);
                break;
            case "shortbeep":
                Say(Pick(random, phrases.MachineShort), level);
                Beep(true);
                break;
            case "short":
                Say(Pick(random, phrases.MachineShort), level);
                break;
            case "beeponly":
                texts.Add("(beep)");
                Beep(true);
                break;
            case "intercept":
                sitAt = at;
                at = Sit(clip, at, random);
                at += random.Next(150, 500);
                Say(Pick(random, phrases.Intercept), level);
                break;
            default:
                throw new InvalidOperationException($"unknown kind {plan.Kind}");
        }

        void Beep(bool withBeep)
        {
            if (!withBeep)
            {
                return;
            }

            at += random.Next(150, 900);
            var hz = BeepFrequencies[random.Next(BeepFrequencies.Length)];
            var ms = random.Next(200, 900);
            if (at < ClipMs)
            {
                beepHz = hz;
                beepAt = at;
            }

            Tone(clip, at, ms, hz, Between(random, 0.15, 0.5));
            at += ms;
        }

        var speechEnd = Math.Min(at, ClipMs);
        AddNoise(clip, noiseKind, noiseLevel, random);
        var band = TelephoneBand(clip);
        var law = random.Next(2) == 0 ? G711Law.ALaw : G711Law.MuLaw;
        var codes = G711.Encode(Quantize(band), law);
        var loss = random.Next(10) < 6 ? 0 : Between(random, 0.5, 5.0);
        LosePackets(codes, loss / 100, law, random);

        var file = $"{plan.Label}/{plan.Id}.wav";
        var path = Path.Combine(_out, file);
        WavFile.WriteG711(path, codes, law);
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        return new Row(plan, file, law == G711Law.ALaw ? "alaw" : "ulaw", loss, lead, firstEnd, speechEnd, beepHz, beepAt, sitAt, level,
            noiseKind == "none" ? "none" : $"{noiseKind}:{noiseLevel:0.0000}", prosody.Describe(plan.Voice), string.Join(" / ", texts), sha);
    }

    /// <summary>How one clip's voice is varied: rate and pitch in the engine's own terms, then tempo and pitch shift by sox.</summary>
    private sealed record Prosody(string EspeakBase, int Speed, int Pitch, int WordGap, double Stretch, double Tempo, int PitchCents)
    {
        // People answer at conversational rates (about 160-210 words a minute, faster still for a practised "company,
        // name speaking"); recorded greetings are read, often more slowly and carefully. The ranges overlap.
        public static Prosody Draw(Voice voice, bool human, bool longAnswer, Random random) => voice.Engine switch
        {
            "espeak-ng" => new Prosody("", human ? random.Next(longAnswer ? 170 : 150, 221) : random.Next(130, 196), random.Next(15, 86), random.Next(0, 3), 1, 1, 0),
            "flite" => new Prosody("", 0, 0, 0, human ? Between(random, 0.8, longAnswer ? 0.95 : 1.05) : Between(random, 0.95, 1.25), 1, random.Next(-300, 301)),
            _ => new Prosody("", 0, 0, 0, 1, human ? Between(random, longAnswer ? 1.1 : 1.0, 1.3) : Between(random, 0.85, 1.1), random.Next(-300, 301)),
        };

        public string Describe(Voice voice) => voice.Engine switch
        {
            "espeak-ng" => $"{voice.Name} s{Speed} p{Pitch} g{WordGap}",
            "flite" => string.Create(CultureInfo.InvariantCulture, $"{voice.Name} x{Stretch:0.00} {PitchCents:+0;-0}c"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{voice.Name} t{Tempo:0.00} {PitchCents:+0;-0}c"),
        };
    }

    private float[] Synthesize(Plan plan, string text, Prosody prosody)
    {
        var raw = Path.Combine(_tmp, plan.Id + "-raw.wav");
        var trimmed = Path.Combine(_tmp, plan.Id + "-8k.wav");
        var voice = plan.Voice;
        switch (voice.Engine)
        {
            case "espeak-ng":
                var bases = EspeakBase[plan.Language];
                var baseVoice = bases[(int)(Md5Prefix(plan.Id + "base") % (uint)bases.Length)];
                Run("espeak-ng", ["-v", $"{baseVoice}+{voice.Name}", "-s", Inv(prosody.Speed), "-p", Inv(prosody.Pitch), "-g", Inv(prosody.WordGap), "-w", raw, text]);
                break;
            case "festival":
                var input = Path.Combine(_tmp, plan.Id + ".txt");
                File.WriteAllBytes(input, EncodeForFestival(text, voice.Encoding!));
                Run("text2wave", ["-eval", $"(voice_{voice.Name})", "-o", raw, input]);
                if (new FileInfo(raw).Length < 44)
                {
                    // Some voices' letter-to-sound rules fail on some 8-bit letters and write nothing: read it without accents.
                    File.WriteAllBytes(input, EncodeForFestival(text, "us-ascii"));
                    Run("text2wave", ["-eval", $"(voice_{voice.Name})", "-o", raw, input]);
                }
                break;
            case "flite":
                Run("flite", ["-voice", voice.Name, "--setf", string.Create(CultureInfo.InvariantCulture, $"duration_stretch={prosody.Stretch:0.00}"), "-t", text, "-o", raw]);
                break;
            default:
                throw new InvalidOperationException($"unknown engine {voice.Engine}");
        }

        // Trim the engine's own leading and trailing silence (-45 dB), so the manifest's speech times are where speech is.
        var effects = new List<string> { raw, "-D", "-r", "8000", "-c", "1", "-b", "16", trimmed, "remix", "1" };
        if (prosody.PitchCents != 0)
        {
            effects.AddRange(["pitch", Inv(prosody.PitchCents)]);
        }

        if (Math.Abs(prosody.Tempo - 1) > 0.001)
        {
            effects.AddRange(["tempo", "-s", prosody.Tempo.ToString("0.00", CultureInfo.InvariantCulture)]);
        }

        effects.AddRange(["silence", "1", "0.02", "-45d", "reverse", "silence", "1", "0.02", "-45d", "reverse", "rate", "8000"]);
        Run("sox", effects);
        var samples = WavFile.Read(trimmed).Samples;
        File.Delete(raw);
        File.Delete(trimmed);

        // Normalise to a peak of 1, so the clip's level is the drawn level whatever the engine's own gain.
        var peak = samples.Length == 0 ? 1 : samples.Max(s => Math.Abs((int)s));
        return [.. samples.Select(s => s / (float)Math.Max(1, peak))];
    }

    private static byte[] EncodeForFestival(string text, string encoding)
    {
        // Festival's voices read 8-bit text; letters the code page lacks become their nearest plain letter.
        var normalized = text.Replace('ő', 'ö').Replace('ű', 'ü').Replace('Ő', 'Ö').Replace('Ű', 'Ü');
        if (encoding == "us-ascii")
        {
            normalized = new string(normalized.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
        }

        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(encoding, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback).GetBytes(normalized);
    }

    private static void Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr.Result.Trim()}");
        }
    }

    private static void Mix(float[] clip, float[] speech, int atMs, double gain)
    {
        var start = atMs * Rate / 1000;
        for (var i = 0; i < speech.Length && start + i < clip.Length; i++)
        {
            if (start + i >= 0)
            {
                clip[start + i] += (float)(speech[i] * gain);
            }
        }
    }

    private static void Tone(float[] clip, int atMs, int ms, double hz, double amplitude)
    {
        var start = atMs * Rate / 1000;
        var n = ms * Rate / 1000;
        var ramp = Rate / 100; // 10 ms rise and fall
        for (var i = 0; i < n && start + i < clip.Length; i++)
        {
            var envelope = Math.Min(1.0, Math.Min(i, n - i) / (double)ramp);
            clip[start + i] += (float)(amplitude * envelope * Math.Sin(2 * Math.PI * hz * i / Rate));
        }
    }

    private static int Sit(float[] clip, int atMs, Random random)
    {
        var set = SitFrequencies[random.Next(SitFrequencies.Length)];
        var amplitude = Between(random, 0.15, 0.4);
        foreach (var (hz, index) in set.Select((f, i) => (f, i)))
        {
            var ms = index == 2 ? 380 : random.Next(2) == 0 ? 274 : 380;
            Tone(clip, atMs, ms, hz, amplitude);
            atMs += ms + 4;
        }

        return atMs;
    }

    private static void AddNoise(float[] clip, string kind, double level, Random random)
    {
        if (kind == "none")
        {
            return;
        }

        double b0 = 0, b1 = 0, b2 = 0, brown = 0;
        var hum = random.Next(2) == 0 ? 50.0 : 60.0;
        for (var i = 0; i < clip.Length; i++)
        {
            var white = (random.NextDouble() * 2) - 1;
            double value;
            switch (kind)
            {
                case "white":
                    value = white;
                    break;
                case "pink":
                    // Paul Kellet's economy pink filter.
                    b0 = (0.99765 * b0) + (white * 0.0990460);
                    b1 = (0.96300 * b1) + (white * 0.2965164);
                    b2 = (0.57000 * b2) + (white * 1.0526913);
                    value = (b0 + b1 + b2 + (white * 0.1848)) * 0.25;
                    break;
                case "brown":
                    brown = Math.Clamp((brown * 0.98) + (white * 0.2), -1, 1);
                    value = brown * 2;
                    break;
                default:
                    value = (0.7 * Math.Sin(2 * Math.PI * hum * i / Rate)) + (0.3 * Math.Sin(2 * Math.PI * hum * 3 * i / Rate)) + (0.2 * white);
                    break;
            }

            clip[i] += (float)(value * level);
        }
    }

    /// <summary>300-3400 Hz: two second-order high-pass sections at 300 Hz and two low-pass at 3400 Hz (RBJ cookbook biquads).</summary>
    private static float[] TelephoneBand(float[] x)
    {
        var y = (float[])x.Clone();
        for (var pass = 0; pass < 2; pass++)
        {
            Biquad(y, highPass: true, 300);
            Biquad(y, highPass: false, 3400);
        }

        return y;
    }

    private static void Biquad(float[] x, bool highPass, double f0)
    {
        var w0 = 2 * Math.PI * f0 / Rate;
        var alpha = Math.Sin(w0) / (2 * 0.7071);
        var cos = Math.Cos(w0);
        double b0 = highPass ? (1 + cos) / 2 : (1 - cos) / 2, b1 = highPass ? -(1 + cos) : 1 - cos, b2 = b0;
        double a0 = 1 + alpha, a1 = -2 * cos, a2 = 1 - alpha;
        double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var input = x[i];
            var output = ((b0 * input) + (b1 * x1) + (b2 * x2) - (a1 * y1) - (a2 * y2)) / a0;
            x2 = x1;
            x1 = input;
            y2 = y1;
            y1 = output;
            x[i] = (float)output;
        }
    }

    private static short[] Quantize(float[] x) => [.. x.Select(v => (short)Math.Clamp(Math.Round(v * 32767), -32768, 32767))];

    /// <summary>Drops 20 ms packets in bursts (a two-state Gilbert model); the receiver plays silence or repeats the last packet.</summary>
    private static void LosePackets(byte[] codes, double rate, G711Law law, Random random)
    {
        if (rate <= 0)
        {
            return;
        }

        const int packet = 160;
        var repeat = random.Next(2) == 0;
        var silence = law == G711Law.ALaw ? G711.ALawSilence : G711.MuLawSilence;
        var lost = false;
        for (var p = packet; p + packet <= codes.Length; p += packet)
        {
            // Bursts average 2 packets: stay lost with 0.5, enter loss with rate / 2 so the long-run loss is about the rate.
            lost = lost ? random.NextDouble() < 0.5 : random.NextDouble() < rate / 2;
            if (lost)
            {
                if (repeat)
                {
                    Array.Copy(codes, p - packet, codes, p, packet);
                }
                else
                {
                    codes.AsSpan(p, packet).Fill(silence);
                }
            }
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    internal static Random SeededRandom(string key) => new((int)(Md5Prefix(key) & 0x7fffffff));

    private static uint Md5Prefix(string key)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes(key));
        return BitConverter.ToUInt32(hash, 0);
    }

    private static double Between(Random random, double min, double max) => min + (random.NextDouble() * (max - min));

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}
