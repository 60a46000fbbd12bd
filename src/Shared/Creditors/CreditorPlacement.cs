using System.Globalization;
using System.Text;
using System.Text.Json;
using Collections.Shared.Domain;
using Collections.Shared.Import;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow.Strategies;
using Microsoft.Extensions.Logging;

namespace Collections.Shared.Creditors;

/// <summary>A problem with one field of one placed item; <see cref="Field"/> is the CSV column name (docs/import.md).</summary>
public sealed record PlacementError(string Field, string Error);

/// <summary>What became of one placed item: "created", "updated", "unchanged" or "rejected" (then with its errors).</summary>
public sealed record PlacementResult(string? Reference, string Status, IReadOnlyList<PlacementError> Errors);

/// <summary>The creditors a caller may place for: their codes and ids (a key has one; a user of a group may have several).</summary>
public sealed record PlacementCreditors(IReadOnlyDictionary<string, CreditorId> ByCode);

/// <summary>Places accounts sent as JSON objects whose fields are the account CSV's columns: each item goes through the
/// import's own validation (<see cref="AccountRowParser"/>) and the import's own upsert and claim analysis
/// (<see cref="AccountImporter.PlaceAsync"/>), so an account placed by API and one loaded from a file are the same account.
/// Bad items are reported per field and the good ones kept.</summary>
public sealed class CreditorPlacement(CollectionsDbContext db, TimeProvider time, ILogger<AccountImporter> logger, ClaimAnalysis analysis)
{
    /// <summary>The portfolio new accounts join when the request names none.</summary>
    public const string DefaultPortfolio = "api";

    private static readonly AccountRowParser Parser = AccountRowParser.FromHeader(new CsvRecord(0, [.. AccountCsvFormat.All])).Parser
        ?? throw new InvalidOperationException("The account format's own header must parse.");

    /// <summary>Stands in for an item that is not an object (its result is already decided), so records and items stay aligned.</summary>
    private static readonly CsvRecord Empty = new(0, [.. AccountCsvFormat.All.Select(_ => string.Empty)]);

    private static readonly Dictionary<string, int> Columns = AccountCsvFormat.All
        .Select((name, i) => (name, i)).ToDictionary(c => AccountCsvFormat.Normalize(c.name), c => c.i, StringComparer.Ordinal);

    /// <summary>Places <paramref name="items"/> (a JSON array) for <paramref name="creditors"/>; one result per item, in order.</summary>
    public async Task<IReadOnlyList<PlacementResult>> PlaceAsync(JsonElement items, PlacementCreditors creditors, string? portfolio, CancellationToken ct = default)
    {
        var elements = items.EnumerateArray().ToArray();
        var count = elements.Length;
        var results = new PlacementResult?[count];
        // Nothing is written before every item is checked, so the checks take every core (a JsonDocument is safe to read
        // from several threads).
        var converted = new (CsvRecord? Record, string? Reference, List<PlacementError> Errors)[count];
        Parallel.For(0, count, AccountImporter.AllCores, i => converted[i] = ToRecord(elements[i], i + 1, creditors));
        var parsed = AccountImporter.ParseAll(Parser, [.. converted.Select(c => c.Record ?? Empty)], allCores: true);
        var rows = new List<AccountRow>(count);
        var positions = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var (record, reference, errors) = converted[i];
            if (record is not null)
            {
                // The import's checks run even when the item already has a problem, so one answer lists all of them.
                var (row, rowErrors) = parsed[i];
                if (row is not null && errors.Count == 0)
                {
                    rows.Add(row);
                    positions.Add(i);
                }
                else
                {
                    var creditorNamed = errors.Any(e => e.Field == AccountCsvFormat.Creditor);
                    errors.AddRange((rowErrors ?? []).Where(e => !(creditorNamed && e.Column == AccountCsvFormat.Creditor)).Select(e => new PlacementError(e.Column ?? "item", e.Error)));
                }
            }

            if (errors.Count > 0)
            {
                results[i] = new PlacementResult(reference, "rejected", errors);
            }
        }

        if (rows.Count > 0)
        {
            var importer = new AccountImporter(db, time, logger, analysis);
            var outcomes = await importer.PlaceAsync(rows, string.IsNullOrWhiteSpace(portfolio) ? DefaultPortfolio : portfolio.Trim(), ct);
            for (var r = 0; r < rows.Count; r++)
            {
                results[positions[r]] = new PlacementResult(rows[r].AccountRef, outcomes[r].ToString().ToLowerInvariant(), []);
            }
        }

        return [.. results.Select(r => r!)];
    }

    /// <summary>One item (a JSON object) as the CSV record the importer reads, with the problems found on the way: columns in <see cref="AccountCsvFormat.All"/>'s order, the creditor
    /// filled in (or checked against the caller's), JSON numbers and booleans written as the CSV writes them.</summary>
    private static (CsvRecord? Record, string? Reference, List<PlacementError> Errors) ToRecord(JsonElement item, int position, PlacementCreditors creditors)
    {
        var errors = new List<PlacementError>();
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PlacementError("item", $"expected a JSON object with the account's fields, got {item.ValueKind.ToString().ToLowerInvariant()}"));
            return (null, null, errors);
        }

        var fields = new string[AccountCsvFormat.All.Count];
        Array.Fill(fields, string.Empty);
        var seen = new bool[fields.Length];
        foreach (var property in item.EnumerateObject())
        {
            if (!Columns.TryGetValue(AccountCsvFormat.Normalize(property.Name), out var column))
            {
                // Unlike a file's extra column, an unknown field in an API call is most likely a misspelt one: say so.
                errors.Add(new PlacementError(property.Name, "unknown field (the fields are the account import's columns, docs/import.md)"));
                continue;
            }

            var name = AccountCsvFormat.All[column];
            if (seen[column])
            {
                errors.Add(new PlacementError(name, $"field '{name}' appears twice"));
                continue;
            }

            seen[column] = true;
            var text = Text(property.Value, name, errors);
            fields[column] = text ?? string.Empty;
        }

        var reference = fields[Columns[AccountCsvFormat.Normalize(AccountCsvFormat.AccountRef)]].Trim() is { Length: > 0 } r ? r : null;
        var creditorColumn = Columns[AccountCsvFormat.Normalize(AccountCsvFormat.Creditor)];
        var code = fields[creditorColumn].Trim();
        if (code.Length == 0)
        {
            if (creditors.ByCode.Count == 1)
            {
                fields[creditorColumn] = creditors.ByCode.Keys.Single();
            }
            else
            {
                errors.Add(new PlacementError(AccountCsvFormat.Creditor, $"name the creditor: one of {string.Join(", ", creditors.ByCode.Keys.Order(StringComparer.Ordinal))}"));
            }
        }
        else if (!creditors.ByCode.ContainsKey(code))
        {
            // The same words whether or not the code exists: a caller learns nothing of other creditors.
            errors.Add(new PlacementError(AccountCsvFormat.Creditor, $"'{code}' is not a creditor you place accounts for"));
        }

        return (new CsvRecord(position, fields), reference, errors);
    }

    private static string? Text(JsonElement value, string field, List<PlacementError> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.True:
                return "yes";
            case JsonValueKind.False:
                return "no";
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array when field == AccountCsvFormat.Invoices:
                return Invoices(value, errors);
            default:
                errors.Add(new PlacementError(field, $"expected a string, number or boolean, got {value.ValueKind.ToString().ToLowerInvariant()}"));
                return null;
        }
    }

    /// <summary>Invoices as objects <c>{"number","issued","due","amount"}</c>, written as the CSV's <c>number|issued|due|amount;...</c>
    /// so the import's own invoice checks apply.</summary>
    private static string? Invoices(JsonElement array, List<PlacementError> errors)
    {
        var text = new StringBuilder();
        foreach (var invoice in array.EnumerateArray())
        {
            if (invoice.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new PlacementError(AccountCsvFormat.Invoices, "each invoice is an object {\"number\",\"issued\",\"due\",\"amount\"}"));
                return null;
            }

            string Part(string name) => invoice.TryGetProperty(name, out var p)
                ? p.ValueKind == JsonValueKind.Number ? p.GetRawText() : p.ValueKind == JsonValueKind.String ? p.GetString()!.Replace("|", "", StringComparison.Ordinal).Replace(";", "", StringComparison.Ordinal) : ""
                : "";
            text.Append(CultureInfo.InvariantCulture, $"{Part("number")}|{Part("issued")}|{Part("due")}|{Part("amount")};");
        }

        return text.ToString();
    }
}
