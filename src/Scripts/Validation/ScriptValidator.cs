using Collections.Scripts.Model;

namespace Collections.Scripts.Validation;

/// <summary>Checks a loaded script for broken references, unreachable nodes, dead ends, missing translations, bad placeholders and early disclosure.</summary>
public static class ScriptValidator
{
    /// <summary>Every problem in <paramref name="script"/>, in line order.</summary>
    public static IReadOnlyList<ScriptProblem> Validate(Script script)
    {
        var problems = new List<ScriptProblem>();
        void Add(int line, string error) => problems.Add(new ScriptProblem(script.File, line, error));

        var byId = new Dictionary<string, ScriptNode>(StringComparer.Ordinal);
        foreach (var node in script.Nodes)
        {
            if (!byId.TryAdd(node.Id, node))
            {
                Add(node.Line, $"duplicate node id '{node.Id}' (first defined on line {byId[node.Id].Line})");
            }
        }

        if (!byId.ContainsKey(script.Start.NodeId))
        {
            Add(script.Start.Line, $"start node '{script.Start.NodeId}' does not exist");
        }

        foreach (var node in script.Nodes)
        {
            CheckShape(node, byId, Add);
            CheckText(script, node.Say, $"node '{node.Id}' say", Add);
            foreach (var answer in node.Answers)
            {
                CheckText(script, answer.Label, $"answer '{node.Id}/{answer.Id}' label", Add);
            }
        }

        var reachable = Walk(script, byId, stopAtVerification: false);
        foreach (var node in script.Nodes.Where(n => !reachable.Contains(n.Id)))
        {
            Add(node.Line, $"node '{node.Id}' is unreachable from start node '{script.Start.NodeId}'");
        }

        // FDCPA 15 U.S.C. 1692c(b): nothing about the debt may be said before the person on the line is known to be
        // the debtor. A node is safe only if every path from the start to it passes through a verifying answer.
        var beforeVerification = Walk(script, byId, stopAtVerification: true);
        foreach (var node in script.Nodes.Where(n => beforeVerification.Contains(n.Id) && ReferenceEquals(byId[n.Id], n)))
        {
            foreach (var (variant, name) in DisclosingUses(node))
            {
                Add(variant.Line, $"node '{node.Id}' discloses the debt with {{{name}}} ({variant.Language}) but can be reached before verify-right-party confirms the debtor (FDCPA 15 U.S.C. 1692c(b))");
            }
        }

        return [.. problems.OrderBy(p => p.Line).ThenBy(p => p.Error, StringComparer.Ordinal)];
    }

    /// <summary>Problems that span scripts: the same script id in two files.</summary>
    public static IReadOnlyList<ScriptProblem> ValidateSet(IEnumerable<Script> scripts)
    {
        var problems = new List<ScriptProblem>();
        var seen = new Dictionary<string, Script>(StringComparer.Ordinal);
        foreach (var script in scripts)
        {
            if (!seen.TryAdd(script.Id, script))
            {
                var first = seen[script.Id];
                problems.Add(new ScriptProblem(script.File, script.Line, $"duplicate script id '{script.Id}' (also in {first.File} line {first.Line})"));
            }
        }

        return problems;
    }

    private static void CheckShape(ScriptNode node, Dictionary<string, ScriptNode> byId, Action<int, string> add)
    {
        var answerIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var answer in node.Answers)
        {
            if (!answerIds.TryAdd(answer.Id, answer.Line))
            {
                add(answer.Line, $"duplicate answer id '{answer.Id}' in node '{node.Id}' (first on line {answerIds[answer.Id]})");
            }

            if (!byId.ContainsKey(answer.Next.NodeId))
            {
                add(answer.Next.Line, $"answer '{node.Id}/{answer.Id}' leads to unknown node '{answer.Next.NodeId}'");
            }

            if (answer.Verifies && node.Action != ScriptActionKind.VerifyRightParty)
            {
                add(answer.Line, $"answer '{node.Id}/{answer.Id}' is marked verified but node '{node.Id}' is not a verify-right-party node");
            }
        }

        if (node.Next is { } next && !byId.ContainsKey(next.NodeId))
        {
            add(next.Line, $"node '{node.Id}' leads to unknown node '{next.NodeId}'");
        }

        if (node.Action == ScriptActionKind.End)
        {
            if (node.Answers.Count > 0 || node.Next is not null)
            {
                add(node.ActionLine, $"node '{node.Id}' ends the call but also has answers or next");
            }

            return;
        }

        if (node.Answers.Count > 0 && node.Next is not null)
        {
            add(node.Next.Line, $"node '{node.Id}' has both answers and next: use one");
        }
        else if (node.Answers.Count == 0 && node.Next is null)
        {
            add(node.Line, $"node '{node.Id}' is a dead end: no answers, no next and no end action");
        }

        if (node.Action == ScriptActionKind.VerifyRightParty && !node.Answers.Any(a => a.Verifies))
        {
            add(node.ActionLine, $"verify-right-party node '{node.Id}' needs an answer with 'verified: true' for when the debtor is confirmed");
        }
    }

    private static void CheckText(Script script, LocalizedText text, string where, Action<int, string> add)
    {
        foreach (var language in script.Languages.Where(l => !text.Variants.ContainsKey(l)))
        {
            add(text.Line, $"{where} has no '{language}' translation");
        }

        foreach (var variant in text.Variants.Values)
        {
            if (!script.Languages.Contains(variant.Language, StringComparer.Ordinal))
            {
                add(variant.Line, $"{where} has text in '{variant.Language}', which is not in the script's languages");
            }

            var scan = Placeholders.Scan(variant.Text);
            if (scan.Malformed is not null)
            {
                add(variant.Line, $"{where} ({variant.Language}): {scan.Malformed}");
            }

            foreach (var name in scan.Names.Where(n => !Placeholders.All.ContainsKey(n)).Distinct(StringComparer.Ordinal))
            {
                add(variant.Line, $"{where} ({variant.Language}) uses unknown placeholder {{{name}}}");
            }
        }
    }

    private static IEnumerable<(TextVariant Variant, string Name)> DisclosingUses(ScriptNode node)
    {
        var texts = node.Answers.Select(a => a.Label).Prepend(node.Say);
        foreach (var variant in texts.SelectMany(t => t.Variants.Values))
        {
            var first = Placeholders.Scan(variant.Text).Names
                .FirstOrDefault(n => Placeholders.All.TryGetValue(n, out var info) && info.DisclosesDebt);
            if (first is not null)
            {
                yield return (variant, first);
            }
        }
    }

    private static HashSet<string> Walk(Script script, Dictionary<string, ScriptNode> byId, bool stopAtVerification)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        if (byId.ContainsKey(script.Start.NodeId))
        {
            queue.Enqueue(script.Start.NodeId);
            seen.Add(script.Start.NodeId);
        }

        while (queue.TryDequeue(out var id))
        {
            var node = byId[id];
            var targets = node.Answers
                .Where(a => !(stopAtVerification && a.Verifies && node.Action == ScriptActionKind.VerifyRightParty))
                .Select(a => a.Next.NodeId);
            if (node.Next is not null)
            {
                targets = targets.Append(node.Next.NodeId);
            }

            foreach (var target in targets)
            {
                if (byId.ContainsKey(target) && seen.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        return seen;
    }
}
