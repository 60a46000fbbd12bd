namespace Collections.Scripts.Model;

/// <summary>A conversation script: what an operator says and does for one industry, debtor type and stage.</summary>
public sealed class Script
{
    /// <summary>Unique id across all scripts, e.g. <c>telecom-consumer-first-contact</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The industry the script is written for.</summary>
    public required Industry Industry { get; init; }

    /// <summary>Consumer or business debtors.</summary>
    public required DebtorType DebtorType { get; init; }

    /// <summary>The stage of the case the script serves.</summary>
    public required ScriptStage Stage { get; init; }

    /// <summary>Languages every text of the script must be translated into (ISO 639-1 codes such as <c>en</c>).</summary>
    public required IReadOnlyList<string> Languages { get; init; }

    /// <summary>The node the call starts at.</summary>
    public required NodeReference Start { get; init; }

    /// <summary>The nodes in file order.</summary>
    public required IReadOnlyList<ScriptNode> Nodes { get; init; }

    /// <summary>The file the script was loaded from.</summary>
    public required string File { get; init; }

    /// <summary>The line of the script's <c>id</c> field (1-based).</summary>
    public required int Line { get; init; }

    /// <summary>The first node with <paramref name="id"/>, or null.</summary>
    public ScriptNode? FindNode(string id) => Nodes.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.Ordinal));
}

/// <summary>One step of a script: text to say, an optional action, and either answers or a next node.</summary>
public sealed class ScriptNode
{
    /// <summary>Id unique inside the script.</summary>
    public required string Id { get; init; }

    /// <summary>Line of the node's <c>id</c> field.</summary>
    public required int Line { get; init; }

    /// <summary>What the operator says, per language.</summary>
    public required LocalizedText Say { get; init; }

    /// <summary>The action the operator carries out at this node, if any.</summary>
    public ScriptActionKind? Action { get; init; }

    /// <summary>Line of the <c>action</c> field (0 when absent).</summary>
    public int ActionLine { get; init; }

    /// <summary>The debtor's possible answers; empty when the node moves on by <see cref="Next"/> or ends.</summary>
    public required IReadOnlyList<ScriptAnswer> Answers { get; init; }

    /// <summary>The node that follows when there are no answers.</summary>
    public NodeReference? Next { get; init; }
}

/// <summary>One possible answer to a node's question, leading to another node.</summary>
public sealed class ScriptAnswer
{
    /// <summary>Id unique inside its node.</summary>
    public required string Id { get; init; }

    /// <summary>Line of the answer's <c>id</c> field.</summary>
    public required int Line { get; init; }

    /// <summary>The button label the operator sees, per language.</summary>
    public required LocalizedText Label { get; init; }

    /// <summary>Where the conversation goes when this answer is chosen.</summary>
    public required NodeReference Next { get; init; }

    /// <summary>True when choosing this answer at a verify-right-party node confirms the right party.</summary>
    public bool Verifies { get; init; }
}

/// <summary>A reference to a node by id, with the line where it was written.</summary>
public sealed record NodeReference(string NodeId, int Line);

/// <summary>A text in several languages, with the line of each variant.</summary>
public sealed class LocalizedText
{
    /// <summary>Line of the field holding the translations.</summary>
    public required int Line { get; init; }

    /// <summary>The text per language code.</summary>
    public required IReadOnlyDictionary<string, TextVariant> Variants { get; init; }
}

/// <summary>One language's version of a text and the line it is on.</summary>
public sealed record TextVariant(string Language, string Text, int Line);
