using System.Text.Json;
using System.Text.Json.Serialization;

namespace Collections.Dialer.Amd;

/// <summary>One regression tree of the boosted ensemble, as flat arrays: node i splits on <see cref="Feature"/>[i] at
/// <see cref="Threshold"/>[i] (go left when the value is at most the threshold), or is a leaf (feature -1) worth
/// <see cref="Value"/>[i].</summary>
public sealed record AmdTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, float[] Value)
{
    /// <summary>The tree's output for a feature vector.</summary>
    public float Evaluate(ReadOnlySpan<float> x)
    {
        var node = 0;
        while (Feature[node] >= 0)
        {
            node = x[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return Value[node];
    }
}

/// <summary>When the learned detector may decide, chosen on the corpus's tune split (docs/amd.md).</summary>
/// <param name="HumanBelow">HUMAN when P(machine) is at most this, during silence after speech.</param>
/// <param name="MachineAbove">MACHINE when P(machine) is at least this.</param>
/// <param name="MinSilenceMs">Silence after speech needed before a HUMAN verdict.</param>
/// <param name="MinMachineMs">No MACHINE verdict from the model before this much audio (a beep may decide sooner).</param>
/// <param name="InitialSilenceMs">Nothing said this long from answer: NOTSURE (a silent person reaches an agent).</param>
/// <param name="TotalMs">Undecided this long from answer: NOTSURE.</param>
/// <param name="MachineChunks">Consecutive chunks at or above <paramref name="MachineAbove"/> needed for MACHINE.</param>
/// <param name="AfterGreetingMs">
/// Silence after speech after which the detector decides whatever it knows: HUMAN or MACHINE if the rules above allow, else
/// NOTSURE (cause AFTERGREETING), which goes to an operator; 0: no bound (models written before it). A person must reach an
/// operator within 2 s of the end of their greeting, or the call is abandoned (FTC Telemarketing Sales Rule
/// 16 CFR 310.4(b)(1)(iv) and the safe harbor's (b)(4)(iii): "connects the call to a sales representative within two (2)
/// seconds of the completed greeting of the person answering"; Ofcom, Revised statement of policy on the persistent misuse of
/// an electronic communications network or service, 2016, A1: an abandoned call is one not connected to a live operator
/// within two seconds of the called person's greeting having ended). The bound plus the time to bridge an operator must fit
/// in those 2 s; chosen on the tune split (docs/amd.md).
/// </param>
public sealed record AmdDecisionPolicy(double HumanBelow, double MachineAbove, int MinSilenceMs, int MinMachineMs, int InitialSilenceMs = 2500, int TotalMs = 5000, int MachineChunks = 1, int AfterGreetingMs = 0)
{
    /// <summary>
    /// The decision at one chunk, or null to keep listening. MACHINE needs the model's confidence; HUMAN needs silence after
    /// speech as well (a person has finished their turn); no verdict but MACHINE while a tone plays or a SIT may follow.
    /// </summary>
    /// <param name="elapsedMs">Audio from answer.</param>
    /// <param name="hasSpeech">Speech heard so far.</param>
    /// <param name="inSpeech">The last chunk was speech.</param>
    /// <param name="silenceMs">Silence since the last speech.</param>
    /// <param name="probability">The model's P(machine) now.</param>
    /// <param name="sureChunks">Consecutive chunks, up to now, with P(machine) at or above <see cref="MachineAbove"/>.</param>
    /// <param name="toneActive">A tone plays or a SIT may follow.</param>
    public (AmdVerdict Verdict, AmdCause Cause)? Decide(int elapsedMs, bool hasSpeech, bool inSpeech, int silenceMs, double probability, int sureChunks, bool toneActive)
    {
        if (hasSpeech)
        {
            if (sureChunks >= MachineChunks && elapsedMs >= MinMachineMs && !toneActive)
            {
                return (AmdVerdict.Machine, AmdCause.Prosody);
            }

            if (!inSpeech && silenceMs >= MinSilenceMs && probability <= HumanBelow && !toneActive)
            {
                return (AmdVerdict.Human, AmdCause.Human);
            }

            // The greeting ended AfterGreetingMs ago and the model is sure of neither: an operator takes the call while the
            // 2 s from the completed greeting (16 CFR 310.4(b)(1)(iv); Ofcom 2016, A1) still leave time to bridge one.
            if (AfterGreetingMs > 0 && !inSpeech && silenceMs >= AfterGreetingMs && !toneActive)
            {
                return (AmdVerdict.NotSure, AmdCause.AfterGreeting);
            }
        }
        else if (elapsedMs >= InitialSilenceMs && !toneActive)
        {
            return (AmdVerdict.NotSure, AmdCause.InitialSilence);
        }

        // The last chunk that ends within the total time decides: no verdict comes later than TotalMs.
        return elapsedMs + AmdFeatures.ChunkMs > TotalMs ? (AmdVerdict.NotSure, AmdCause.TooLong) : null;
    }
}

/// <summary>
/// The trained classifier of the learned detector: gradient-boosted trees over <see cref="AmdFeatures"/> giving
/// P(machine), and the decision policy. Stored as JSON in Amd/Models/amd-model.json, written by <c>amd-train</c>.
/// </summary>
public sealed record LearnedAmdModel(
    string[] FeatureNames,
    double BaseScore,
    AmdTree[] Trees,
    AmdDecisionPolicy Policy,
    string TrainedOn,
    string Command)
{
    /// <summary>The model's file name in the output folder (Amd/Models).</summary>
    public const string FileName = "amd-model.json";

    private static readonly Lazy<LearnedAmdModel> ShippedModel = new(() => Load(Path.Combine(AppContext.BaseDirectory, "Amd", "Models", FileName)));

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The model shipped next to the program.</summary>
    public static LearnedAmdModel Shipped => ShippedModel.Value;

    /// <summary>Reads a model and checks it was trained on the features this build computes.</summary>
    public static LearnedAmdModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"AMD model not found at {path} (train it with amd-train; it ships in src/Dialer/Amd/Models).", path);
        }

        var model = JsonSerializer.Deserialize<LearnedAmdModel>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path}: empty model");
        if (!model.FeatureNames.SequenceEqual(AmdFeatures.Names))
        {
            throw new InvalidDataException($"{path}: trained on features [{string.Join(",", model.FeatureNames)}], this build computes [{string.Join(",", AmdFeatures.Names)}]; retrain with amd-train.");
        }

        return model;
    }

    /// <summary>Writes the model as JSON.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>P(machine) for a feature vector.</summary>
    public double Predict(ReadOnlySpan<float> features) => Sigmoid(Score(features));

    /// <summary>The ensemble's log-odds for a feature vector.</summary>
    public double Score(ReadOnlySpan<float> features)
    {
        var score = BaseScore;
        foreach (var tree in Trees)
        {
            score += tree.Evaluate(features);
        }

        return score;
    }

    internal static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
