using Collections.Scripts.Model;
using Collections.Scripts.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Collections.Scripts.Loading;

/// <summary>Reads a script from YAML, keeping the line of every node and field so problems can point at them.</summary>
public static class ScriptLoader
{
    /// <summary>Loads the script in the file at <paramref name="path"/>; <paramref name="path"/> is used as given in problems.</summary>
    public static ScriptLoadResult LoadFile(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ScriptLoadResult(null, [new ScriptProblem(path, 0, $"cannot read file: {ex.Message}")]);
        }

        return Load(yaml, path);
    }

    /// <summary>Loads a script from <paramref name="yaml"/>; <paramref name="file"/> names it in problems.</summary>
    public static ScriptLoadResult Load(string yaml, string file)
    {
        var problems = new List<ScriptProblem>();
        if (yaml.IndexOf('\0', StringComparison.Ordinal) is var nul and >= 0)
        {
            // YAML 1.2 section 5.1: a stream holds printable characters only. YamlDotNet's scanner takes NUL for the end of the
            // stream and then fails with an ArgumentException (found by afl-fuzz), so it is refused here, at its line.
            problems.Add(new ScriptProblem(file, yaml.AsSpan(0, nul).Count('\n') + 1, "invalid YAML: the file contains a NUL character (a binary or UTF-16 file?)"));
            return new ScriptLoadResult(null, problems);
        }

        var stream = new YamlStream();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // YamlDotNet's message repeats the position ("(Line: 3, Col: 5, ...): ..."); keep the reason only.
            var reason = ex.InnerException?.Message ?? ex.Message;
            var cut = reason.IndexOf("): ", StringComparison.Ordinal);
            if (reason.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
            {
                reason = reason[(cut + 3)..];
            }

            problems.Add(new ScriptProblem(file, LineOf(ex.Start), $"invalid YAML: {reason}"));
            return new ScriptLoadResult(null, problems);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 18.1 throws these, not a YamlException, for some malformed flow collections (found by afl-fuzz:
            // "a: { b: #c }" and a next line, where the comment swallows the closing brace). The line is that of the last
            // node it read.
            problems.Add(new ScriptProblem(file, parser.Current is { } last ? LineOf(last.End) : 1, "invalid YAML: the reader stopped near here (often a # inside { } or [ ], which starts a comment and hides the closing bracket)"));
            return new ScriptLoadResult(null, problems);
        }

        if (stream.Documents.Count != 1)
        {
            problems.Add(new ScriptProblem(file, stream.Documents.Count == 0 ? 1 : LineOf(stream.Documents[1].RootNode.Start),
                stream.Documents.Count == 0 ? "the file is empty: expected one script" : "expected one script per file, found several YAML documents"));
            return new ScriptLoadResult(null, problems);
        }

        var script = new Reader(file, problems).ReadScript(stream.Documents[0].RootNode);
        return new ScriptLoadResult(script, problems);
    }

    private static int LineOf(Mark mark) => (int)mark.Line;

    private sealed class Reader(string file, List<ScriptProblem> problems)
    {
        private static readonly string[] ScriptKeys = ["id", "industry", "debtorType", "stage", "languages", "start", "description", "nodes"];
        private static readonly string[] NodeKeys = ["id", "say", "action", "answers", "next"];
        private static readonly string[] AnswerKeys = ["id", "label", "next", "verified"];

        public Script? ReadScript(YamlNode root)
        {
            if (root is not YamlMappingNode map)
            {
                Error(root, "a script must be a mapping with id, industry, debtorType, stage, languages and nodes");
                return null;
            }

            var fields = Fields(map, ScriptKeys, "script");
            var id = RequiredScalar(fields, map, "id", "script");
            var industry = Enum(fields, map, "industry", ScriptVocabulary.IndustryNames, (string s, out Industry v) => ScriptVocabulary.TryParseIndustry(s, out v));
            var debtorType = Enum(fields, map, "debtorType", ScriptVocabulary.DebtorTypeNames, (string s, out DebtorType v) => ScriptVocabulary.TryParseDebtorType(s, out v));
            var stage = Enum(fields, map, "stage", ScriptVocabulary.StageNames, (string s, out ScriptStage v) => ScriptVocabulary.TryParseStage(s, out v));
            var languages = ReadLanguages(fields, map);
            var nodes = ReadNodes(fields, map);
            NodeReference? start = null;
            if (fields.TryGetValue("start", out var startNode))
            {
                var startId = Scalar(startNode, "start");
                start = startId is null ? null : new NodeReference(startId, LineOf(startNode.Start));
            }
            else if (nodes is { Count: > 0 })
            {
                start = new NodeReference(nodes[0].Id, nodes[0].Line);
            }

            if (id is null || industry is null || debtorType is null || stage is null || languages is null || nodes is null || start is null)
            {
                return null;
            }

            return new Script
            {
                Id = id,
                Industry = industry.Value,
                DebtorType = debtorType.Value,
                Stage = stage.Value,
                Languages = languages,
                Start = start,
                Nodes = nodes,
                File = file,
                Line = LineOf(fields["id"].Start),
            };
        }

        private List<string>? ReadLanguages(Dictionary<string, YamlNode> fields, YamlMappingNode owner)
        {
            if (!fields.TryGetValue("languages", out var node))
            {
                Error(owner, "script has no 'languages' field");
                return null;
            }

            if (node is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Error(node, "'languages' must be a non-empty list of language codes, e.g. [en, de, hu]");
                return null;
            }

            var languages = new List<string>();
            foreach (var item in list.Children)
            {
                var code = Scalar(item, "language");
                if (code is null)
                {
                    continue;
                }

                if (!IsLanguageCode(code))
                {
                    Error(item, $"'{code}' is not a language code (ISO 639-1, lower case, e.g. en, de, hu)");
                }
                else if (languages.Contains(code))
                {
                    Error(item, $"language '{code}' is listed twice");
                }
                else
                {
                    languages.Add(code);
                }
            }

            return languages;
        }

        private List<ScriptNode>? ReadNodes(Dictionary<string, YamlNode> fields, YamlMappingNode owner)
        {
            if (!fields.TryGetValue("nodes", out var node))
            {
                Error(owner, "script has no 'nodes' field");
                return null;
            }

            if (node is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Error(node, "'nodes' must be a non-empty list of nodes");
                return null;
            }

            var nodes = new List<ScriptNode>();
            foreach (var item in list.Children)
            {
                if (ReadNode(item) is { } read)
                {
                    nodes.Add(read);
                }
            }

            return nodes;
        }

        private ScriptNode? ReadNode(YamlNode item)
        {
            if (item is not YamlMappingNode map)
            {
                Error(item, "a node must be a mapping with id and say");
                return null;
            }

            var fields = Fields(map, NodeKeys, "node");
            var id = RequiredScalar(fields, map, "id", "node");
            var say = fields.TryGetValue("say", out var sayNode) ? ReadText(sayNode, "say") : null;
            if (!fields.ContainsKey("say"))
            {
                Error(map, id is null ? "node has no 'say' field" : $"node '{id}' has no 'say' field");
            }

            ScriptActionKind? action = null;
            var actionLine = 0;
            if (fields.TryGetValue("action", out var actionNode) && Scalar(actionNode, "action") is { } actionText)
            {
                actionLine = LineOf(actionNode.Start);
                if (ScriptVocabulary.TryParseAction(actionText, out var kind))
                {
                    action = kind;
                }
                else
                {
                    Error(actionNode, $"unknown action '{actionText}' (expected one of: {string.Join(", ", ScriptVocabulary.ActionNames)})");
                }
            }

            var answers = new List<ScriptAnswer>();
            if (fields.TryGetValue("answers", out var answersNode))
            {
                if (answersNode is not YamlSequenceNode answerList)
                {
                    Error(answersNode, "'answers' must be a list");
                }
                else
                {
                    foreach (var answerItem in answerList.Children)
                    {
                        if (ReadAnswer(answerItem) is { } answer)
                        {
                            answers.Add(answer);
                        }
                    }
                }
            }

            NodeReference? next = null;
            if (fields.TryGetValue("next", out var nextNode) && Scalar(nextNode, "next") is { } nextId)
            {
                next = new NodeReference(nextId, LineOf(nextNode.Start));
            }

            if (id is null || say is null)
            {
                return null;
            }

            return new ScriptNode
            {
                Id = id,
                Line = LineOf(fields["id"].Start),
                Say = say,
                Action = action,
                ActionLine = actionLine,
                Answers = answers,
                Next = next,
            };
        }

        private ScriptAnswer? ReadAnswer(YamlNode item)
        {
            if (item is not YamlMappingNode map)
            {
                Error(item, "an answer must be a mapping with id, label and next");
                return null;
            }

            var fields = Fields(map, AnswerKeys, "answer");
            var id = RequiredScalar(fields, map, "id", "answer");
            var label = fields.TryGetValue("label", out var labelNode) ? ReadText(labelNode, "label") : null;
            if (!fields.ContainsKey("label"))
            {
                Error(map, $"answer '{id}' has no 'label' field");
            }

            var nextId = RequiredScalar(fields, map, "next", $"answer '{id}'");
            var verifies = false;
            if (fields.TryGetValue("verified", out var verifiedNode) && Scalar(verifiedNode, "verified") is { } verifiedText)
            {
                if (!bool.TryParse(verifiedText, out verifies))
                {
                    Error(verifiedNode, $"'verified' must be true or false, not '{verifiedText}'");
                }
            }

            if (id is null || label is null || nextId is null)
            {
                return null;
            }

            return new ScriptAnswer
            {
                Id = id,
                Line = LineOf(fields["id"].Start),
                Label = label,
                Next = new NodeReference(nextId, LineOf(fields["next"].Start)),
                Verifies = verifies,
            };
        }

        private LocalizedText? ReadText(YamlNode node, string field)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, $"'{field}' must map language codes to text, e.g. en: \"Hello\"");
                return null;
            }

            var variants = new Dictionary<string, TextVariant>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                var language = Scalar(key, "language code");
                var text = Scalar(value, $"{field} text");
                if (language is null || text is null)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(text))
                {
                    Error(value, $"'{field}' text for '{language}' is empty");
                    continue;
                }

                variants[language] = new TextVariant(language, text, LineOf(value.Start));
            }

            return new LocalizedText { Line = LineOf(node.Start), Variants = variants };
        }

        private Dictionary<string, YamlNode> Fields(YamlMappingNode map, string[] known, string what)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (key, value) in map.Children)
            {
                if (Scalar(key, "key") is not { } name)
                {
                    continue;
                }

                if (!known.Contains(name, StringComparer.Ordinal))
                {
                    Error(key, $"unknown {what} field '{name}' (expected: {string.Join(", ", known)})");
                    continue;
                }

                fields[name] = value;
            }

            return fields;
        }

        private string? RequiredScalar(Dictionary<string, YamlNode> fields, YamlMappingNode owner, string key, string what)
        {
            if (!fields.TryGetValue(key, out var node))
            {
                Error(owner, $"{what} has no '{key}' field");
                return null;
            }

            var value = Scalar(node, key);
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                Error(node, $"'{key}' is empty");
                return null;
            }

            return value;
        }

        private delegate bool TryParse<T>(string text, out T value);

        private T? Enum<T>(Dictionary<string, YamlNode> fields, YamlMappingNode owner, string key, IReadOnlyCollection<string> names, TryParse<T> parse)
            where T : struct
        {
            var text = RequiredScalar(fields, owner, key, "script");
            if (text is null)
            {
                return null;
            }

            if (parse(text, out var value))
            {
                return value;
            }

            Error(fields[key], $"unknown {key} '{text}' (expected one of: {string.Join(", ", names)})");
            return null;
        }

        private string? Scalar(YamlNode node, string what)
        {
            if (node is YamlScalarNode { Value: { } value })
            {
                return value;
            }

            Error(node, $"'{what}' must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
            return null;
        }

        private void Error(YamlNode node, string message) => problems.Add(new ScriptProblem(file, LineOf(node.Start), message));

        private static bool IsLanguageCode(string code) =>
            code.Length is 2 or 3 && code.All(c => c is >= 'a' and <= 'z');
    }
}

/// <summary>The outcome of loading one file: the script when its shape was readable, and every problem found.</summary>
public sealed record ScriptLoadResult(Script? Script, IReadOnlyList<ScriptProblem> Problems);
