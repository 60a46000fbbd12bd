using System.Text;
using System.Threading.Channels;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Persistence.Bulk;
using Collections.Shared.Workflow;
using Collections.Shared.Workflow.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Collections.Shared.Import;

/// <summary>How far an import has got, for a progress bar.</summary>
public sealed record ImportProgress(long BytesRead, long TotalBytes, long Rows);

/// <summary>What an import did. <see cref="FileRejected"/> means the header was unusable and nothing was loaded.
/// <see cref="CasesPlanned"/> counts new cases the claim analysis gave a strategy and steps; <see cref="CasesUnplanned"/>
/// those no strategy matched (their case says why).</summary>
public sealed record ImportSummary(
    long Rows, long Inserted, long Updated, long Unchanged, long Rejected, bool FileRejected,
    IReadOnlyList<string> CreditorsCreated, IReadOnlyList<string> IgnoredColumns, TimeSpan Elapsed, long CasesPlanned = 0, long CasesUnplanned = 0);

/// <summary>What an upsert did to one row: a new account, a changed one updated in place, or nothing (same content).</summary>
public enum UpsertOutcome { Created, Updated, Unchanged }

/// <summary>Loads a portfolio from the account CSV format: validates every row, keeps the good ones, reports the bad
/// ones by line and column, and upserts on (creditor, account reference) so a re-import changes nothing twice. With a
/// <see cref="ClaimAnalysis"/>, every new account's case is opened in the same transaction as the account (seed 002: a claim
/// analysis precedes every case): strategy, the reason it was chosen, and its dated steps, so no account is ever placed
/// without its plan.</summary>
public sealed partial class AccountImporter(CollectionsDbContext db, TimeProvider time, ILogger<AccountImporter> logger, ClaimAnalysis? analysis = null)
{
    private const int BatchSize = 5000;

    private static readonly ParallelOptions ParseParallelism = new() { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount - 1) };

    /// <summary>Work that nothing else waits on may take every core.</summary>
    public static readonly ParallelOptions AllCores = new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    private readonly Dictionary<string, (CreditorId Id, string Country)> _creditors = new(StringComparer.Ordinal);
    private readonly Dictionary<CreditorId, PortfolioId> _portfolios = [];
    private readonly Dictionary<CreditorId, Dictionary<string, Known>> _known = [];
    private readonly List<string> _creditorsCreated = [];
    private long _planned;

    /// <summary>The file's text encoding when it has no byte order mark: UTF-8 unless the sender's spreadsheet wrote another
    /// (<c>--encoding windows-1252</c>). A byte that is not UTF-8 refuses its row by column rather than being stored garbled.</summary>
    public Encoding FileEncoding { get; init; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
    private long _unplanned;
    private ClaimAnalysis? _analysis;

    /// <summary>Imports <paramref name="input"/> into the portfolio named <paramref name="portfolioName"/> of each creditor in the file.</summary>
    /// <param name="onError">Called for every refused row or header problem, in file order.</param>
    public async Task<ImportSummary> ImportAsync(
        Stream input, string portfolioName, Action<ImportError> onError, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = time.GetTimestamp();
        var total = input.CanSeek ? input.Length : -1;
        using var reader = new CsvReader(new StreamReader(input, FileEncoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16));
        var header = reader.Read();
        if (header is null)
        {
            onError(new ImportError(1, null, "the file is empty: a header row is required"));
            return new ImportSummary(0, 0, 0, 0, 0, true, [], [], time.GetElapsedTime(started));
        }

        var (parser, headerErrors, ignored) = AccountRowParser.FromHeader(header);
        if (parser is null)
        {
            headerErrors.ToList().ForEach(onError);
            return new ImportSummary(0, 0, 0, 0, 0, true, [], ignored, time.GetElapsedTime(started));
        }

        await OpenAsync(cancellationToken);

        // Three stages on a bounded pipeline: read text, validate (parallel: phone parsing dominates), write.
        var raw = Channel.CreateBounded<List<CsvRecord>>(4);
        var parsed = Channel.CreateBounded<List<AccountRow>>(4);
        long rows = 0, rejected = 0;

        var readTask = Task.Run(async () =>
        {
            try
            {
                var batch = new List<CsvRecord>(BatchSize);
                while (reader.Read() is { } record)
                {
                    batch.Add(record);
                    if (batch.Count == BatchSize)
                    {
                        await raw.Writer.WriteAsync(batch, cancellationToken);
                        batch = new List<CsvRecord>(BatchSize);
                    }
                }

                if (batch.Count > 0)
                {
                    await raw.Writer.WriteAsync(batch, cancellationToken);
                }

                raw.Writer.Complete();
            }
            catch (Exception ex)
            {
                raw.Writer.Complete(ex);
            }
        }, cancellationToken);

        var firstLines = new Dictionary<(string Creditor, string Reference), long>();
        var parseTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in raw.Reader.ReadAllAsync(cancellationToken))
                {
                    // The writer is the critical path and runs on one thread: leave it a core of its own.
                    var results = ParseAll(parser, batch);
                    var good = new List<AccountRow>(batch.Count);
                    foreach (var (row, errors) in results)
                    {
                        if (row is not null && firstLines.TryGetValue((row.CreditorCode, row.AccountRef), out var first))
                        {
                            // Two rows for one claim in one file: which is right is the sender's call, not ours. The first is
                            // kept and every later one refused by name, never silently merged into it.
                            Interlocked.Increment(ref rejected);
                            onError(new ImportError(row.Line, AccountCsvFormat.AccountRef,
                                $"account {AccountRowParser.Show(row.AccountRef)} of creditor {AccountRowParser.Show(row.CreditorCode)} is already on line {first} of this file; that row is kept"));
                        }
                        else if (row is not null)
                        {
                            firstLines.Add((row.CreditorCode, row.AccountRef), row.Line);
                            good.Add(row);
                        }
                        else
                        {
                            Interlocked.Increment(ref rejected);
                            errors!.ForEach(onError);
                        }
                    }

                    Interlocked.Add(ref rows, batch.Count);
                    await parsed.Writer.WriteAsync(good, cancellationToken);
                }

                parsed.Writer.Complete();
            }
            catch (Exception ex)
            {
                parsed.Writer.Complete(ex);
            }
        }, cancellationToken);

        long inserted = 0, updated = 0, unchanged = 0;
        await foreach (var batch in parsed.Reader.ReadAllAsync(cancellationToken))
        {
            var (i, u, n) = await WriteBatchAsync(batch, portfolioName, cancellationToken);
            inserted += i;
            updated += u;
            unchanged += n;
            progress?.Report(new ImportProgress(input.CanSeek ? input.Position : 0, total, Interlocked.Read(ref rows)));
        }

        await Task.WhenAll(readTask, parseTask);
        if (db.Database.IsSqlite())
        {
            // Fold the write-ahead log back into the database file so it does not stay the size of the import.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
        }

        await CloseAsync();
        var elapsed = time.GetElapsedTime(started);
        LogImported(logger, rows, inserted, updated, unchanged, rejected, elapsed.TotalSeconds);
        return new ImportSummary(rows, inserted, updated, unchanged, rejected, false, _creditorsCreated, ignored, elapsed, _planned, _unplanned);
    }

    /// <summary>One connection for the whole load, so per-connection settings hold and nothing reconnects per batch, with
    /// SQLite's settings for bulk writes (<see cref="SqlitePragmas"/>). A file load also puts the file in WAL mode (the console
    /// keeps reading while a portfolio loads) and commits with <c>synchronous=NORMAL</c>; a placement (<paramref name="file"/>
    /// false) answers "created" to its caller, so it keeps every commit synced.</summary>
    private async Task OpenAsync(CancellationToken ct, bool file = true)
    {
        await db.Database.OpenConnectionAsync(ct);
        // The arms the supervisors stopped or promoted as they are when the import starts.
        _analysis = analysis is null ? null : await analysis.WithControlsAsync(db, ct);
        if (db.Database.IsSqlite())
        {
            if (file)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }

            await SqlitePragmas.ForBulkWritesAsync(db, relaxedSync: file, ct);
        }
    }

    /// <summary>Gives the connection back with SQLite's usual sync and checkpoint settings.</summary>
    private async Task CloseAsync()
    {
        if (db.Database.IsSqlite())
        {
            await SqlitePragmas.AfterBulkWritesAsync(db, CancellationToken.None);
        }

        await db.Database.CloseConnectionAsync();
    }

    /// <summary>Upserts rows already validated elsewhere (the creditor API's items, through the same <see cref="AccountRowParser"/>)
    /// with the same rule, writes and claim analysis as a file; returns what became of each row, in order. Only the references
    /// of <paramref name="rows"/> are read back, so a placement into a large portfolio does not load the whole portfolio.</summary>
    public async Task<IReadOnlyList<UpsertOutcome>> PlaceAsync(IReadOnlyList<AccountRow> rows, string portfolioName, CancellationToken ct = default)
    {
        await OpenAsync(ct, file: false);
        try
        {
            var now = Instant.FromDateTimeOffset(time.GetUtcNow());
            foreach (var group in rows.GroupBy(r => r.CreditorCode, StringComparer.Ordinal))
            {
                var creditorId = await CreditorAsync(group.First(), now, ct);
                var known = _known.TryGetValue(creditorId, out var cached) ? cached : _known[creditorId] = new Dictionary<string, Known>(StringComparer.Ordinal);
                foreach (var chunk in group.Select(r => r.AccountRef).Distinct(StringComparer.Ordinal).Where(r => !known.ContainsKey(r)).Chunk(500))
                {
                    var found = await db.Accounts.AsNoTracking()
                        .Where(a => a.CreditorId == creditorId && chunk.Contains(a.CreditorReference))
                        .Select(a => new { a.CreditorReference, a.Id, a.DebtorId, a.ImportHash })
                        .ToListAsync(ct);
                    found.ForEach(a => known[a.CreditorReference] = new Known(a.Id, a.DebtorId, a.ImportHash));
                }
            }

            var outcomes = new List<UpsertOutcome>(rows.Count);
            foreach (var batch in rows.Chunk(BatchSize))
            {
                await WriteBatchAsync([.. batch], portfolioName, ct, outcomes);
            }

            return outcomes;
        }
        finally
        {
            await CloseAsync();
        }
    }

    /// <summary>Validates records in parallel (phone parsing dominates); results in order. A file's rows leave a core to the
    /// writer, which works on the previous batch meanwhile; a placement (<paramref name="allCores"/>) validates before it writes.</summary>
    public static (AccountRow? Row, List<ImportError>? Errors)[] ParseAll(AccountRowParser parser, IReadOnlyList<CsvRecord> records, bool allCores = false)
    {
        var results = new (AccountRow? Row, List<ImportError>? Errors)[records.Count];
        Parallel.For(0, records.Count, allCores ? AllCores : ParseParallelism, i => results[i] = parser.Parse(records[i]));
        return results;
    }

    private async Task<(int Inserted, int Updated, int Unchanged)> WriteBatchAsync(List<AccountRow> batch, string portfolioName, CancellationToken ct, List<UpsertOutcome>? outcomes = null)
    {
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var debtors = new List<Debtor>();
        var addresses = new List<DebtorAddress>();
        var phones = new List<PhoneNumber>();
        var accounts = new List<Account>();
        var invoices = new List<Invoice>();
        var cases = new List<Case>();
        var steps = new List<CaseStep>();
        var updates = new List<(AccountRow Row, Known Known)>();
        var unchanged = 0;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var row in batch)
        {
            var creditorId = await CreditorAsync(row, now, ct);
            var known = await KnownAsync(creditorId, ct);
            if (known.TryGetValue(row.AccountRef, out var existing))
            {
                if (existing.Hash == row.Hash)
                {
                    unchanged++;
                    outcomes?.Add(UpsertOutcome.Unchanged);
                }
                else
                {
                    updates.Add((row, existing));
                    known[row.AccountRef] = existing with { Hash = row.Hash };
                    outcomes?.Add(UpsertOutcome.Updated);
                }

                continue;
            }

            var portfolioId = await PortfolioAsync(creditorId, portfolioName, now, ct);
            var debtor = NewDebtor(row);
            debtors.Add(debtor);
            var address = NewAddress(row, debtor.Id, now);
            if (address is not null)
            {
                addresses.Add(address);
            }

            var priority = 1;
            var debtorPhones = row.Phones.Select(p => NewPhone(row, p, debtor.Id, priority++, now)).ToList();
            phones.AddRange(debtorPhones);
            var account = new Account
            {
                CreditorId = creditorId,
                PortfolioId = portfolioId,
                DebtorId = debtor.Id,
                CreditorReference = row.AccountRef,
                Industry = row.Industry,
                Origin = row.Origin,
                Currency = row.Currency,
                Principal = row.Principal,
                Interest = row.Interest,
                Fees = row.Fees,
                DueDate = row.DueDate,
                CreatedAt = now,
                UpdatedAt = now,
                ImportHash = row.Hash,
            };
            accounts.Add(account);
            invoices.AddRange(row.Invoices.Select(i => new Invoice { AccountId = account.Id, Number = i.Number, IssuedOn = i.IssuedOn, DueOn = i.DueOn, Amount = i.Amount }));
            var @case = new Case { AccountId = account.Id, Phase = CasePhase.New, OpenedAt = now, NextStepDueAt = now };
            cases.Add(@case);
            if (_analysis is not null)
            {
                steps.AddRange(Analyse(@case, account, debtor, address, debtorPhones, _creditors[row.CreditorCode].Country, now));
            }

            known[row.AccountRef] = new Known(account.Id, debtor.Id, row.Hash);
            outcomes?.Add(UpsertOutcome.Created);
        }

        await InsertAsync(debtors, ct);
        await InsertAsync(addresses, ct);
        await InsertAsync(phones, ct);
        await InsertAsync(accounts, ct);
        await InsertAsync(invoices, ct);
        await InsertAsync(cases, ct);
        await InsertAsync(steps, ct);

        foreach (var (row, known) in updates)
        {
            await ApplyUpdateAsync(row, known, now, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (accounts.Count, updates.Count, unchanged);
    }

    /// <summary>The claim analysis of a new account, from what the row gave (a new debtor has no payments, promises or
    /// address history yet): the case gets its strategy and reason, and its steps are returned for insertion.</summary>
    private IReadOnlyList<CaseStep> Analyse(Case @case, Account account, Debtor debtor, DebtorAddress? address, IEnumerable<PhoneNumber> phones, string creditorCountry, Instant now)
    {
        debtor.Addresses = address is null ? [] : [address];
        debtor.Phones = [.. phones];
        var (zone, calendar) = AccountContext.Locate(debtor, creditorCountry);
        var facts = new ClaimFacts(account.Industry, debtor.Kind, account.Balance.Amount, Period.DaysBetween(account.DueDate, now.InZone(zone).Date), new HashSet<string>(), 0);
        var opening = _analysis!.Open(@case.Id, facts, account.DueDate, zone, calendar, account.Currency, now);
        CaseWorkflow.Apply(@case, opening);
        if (opening.Strategy is null)
        {
            _unplanned++;
            @case.NextStepDueAt = null;
        }
        else
        {
            _planned++;
        }

        return opening.Steps;
    }

    private async Task InsertAsync<T>(List<T> items, CancellationToken ct)
        where T : class
    {
        if (items.Count == 0)
        {
            return;
        }

        using var inserter = new BulkInserter<T>(db);
        await inserter.InsertAsync(items, ct);
    }

    /// <summary>A changed row updates the claim in place; a new address ends the old one (address history is a
    /// warning sign the claim analysis reads), new numbers are added, and nothing already loaded is deleted.</summary>
    private async Task ApplyUpdateAsync(AccountRow row, Known known, Instant now, CancellationToken ct)
    {
        var account = await db.Accounts.Include(a => a.Invoices).SingleAsync(a => a.Id == known.AccountId, ct);
        account.Industry = row.Industry;
        account.Origin = row.Origin;
        account.Currency = row.Currency;
        account.Principal = row.Principal;
        account.Interest = row.Interest;
        account.Fees = row.Fees;
        account.DueDate = row.DueDate;
        account.ImportHash = row.Hash;
        account.UpdatedAt = now;
        foreach (var invoice in row.Invoices)
        {
            var stored = account.Invoices.FirstOrDefault(i => i.Number == invoice.Number);
            if (stored is null)
            {
                account.Invoices.Add(new Invoice { AccountId = account.Id, Number = invoice.Number, IssuedOn = invoice.IssuedOn, DueOn = invoice.DueOn, Amount = invoice.Amount });
            }
            else
            {
                (stored.IssuedOn, stored.DueOn, stored.Amount) = (invoice.IssuedOn, invoice.DueOn, invoice.Amount);
            }
        }

        var debtor = await db.Debtors.Include(d => d.Addresses).Include(d => d.Phones).SingleAsync(d => d.Id == known.DebtorId, ct);
        CopyPerson(row, debtor);
        var current = debtor.CurrentAddress;
        if (NewAddress(row, debtor.Id, now) is { } address
            && (current is null || current.Street != address.Street || current.PostalCode != address.PostalCode || current.City != address.City || current.Country != address.Country))
        {
            current?.ValidUntil = now;
            debtor.Addresses.Add(address);
        }

        foreach (var phone in row.Phones)
        {
            var existing = debtor.Phones.FirstOrDefault(p => p.E164 == phone.E164);
            if (existing is null)
            {
                debtor.Phones.Add(NewPhone(row, phone, debtor.Id, debtor.Phones.Count + 1, now));
            }
            else if (existing.AutodialConsent != phone.Consent)
            {
                existing.AutodialConsent = phone.Consent;
                existing.ConsentSource = phone.Consent ? row.ConsentSource ?? "import" : null;
                existing.ConsentAt = phone.Consent ? now : null;
            }
        }
    }

    private static Debtor NewDebtor(AccountRow row) => CopyPerson(row, new Debtor { PreferredLanguage = row.Language });

    private static Debtor CopyPerson(AccountRow row, Debtor debtor)
    {
        debtor.Kind = row.DebtorKind;
        debtor.FirstName = row.FirstName;
        debtor.LastName = row.LastName;
        debtor.CompanyName = row.CompanyName;
        debtor.DateOfBirth = row.DateOfBirth;
        debtor.PreferredLanguage = row.Language;
        debtor.TimeZoneId = row.TimeZone;
        debtor.Email = row.Email;
        return debtor;
    }

    private static DebtorAddress? NewAddress(AccountRow row, DebtorId debtorId, Instant now) =>
        row.Street is null && row.City is null && row.PostalCode is null
            ? null
            : new DebtorAddress { DebtorId = debtorId, Street = row.Street ?? "", PostalCode = row.PostalCode ?? "", City = row.City ?? "", Country = row.Country, ValidFrom = now };

    private static PhoneNumber NewPhone(AccountRow row, ImportedPhone phone, DebtorId debtorId, int priority, Instant now) => new()
    {
        DebtorId = debtorId,
        E164 = phone.E164,
        Kind = phone.Kind,
        Region = phone.Region,
        Priority = priority,
        AutodialConsent = phone.Consent,
        ConsentSource = phone.Consent ? row.ConsentSource ?? "import" : null,
        ConsentAt = phone.Consent ? now : null,
    };

    private async Task<CreditorId> CreditorAsync(AccountRow row, Instant now, CancellationToken ct)
    {
        if (_creditors.TryGetValue(row.CreditorCode, out var known))
        {
            return known.Id;
        }

        var creditor = await db.Creditors.AsNoTracking().FirstOrDefaultAsync(c => c.Code == row.CreditorCode, ct);
        if (creditor is null)
        {
            // An unknown code creates the creditor with default policy (listed in the summary), so no good row is lost.
            creditor = new Creditor { Code = row.CreditorCode, Name = row.CreditorCode, Country = row.Country };
            db.Creditors.Add(creditor);
            await db.SaveChangesAsync(ct);
            _creditorsCreated.Add(row.CreditorCode);
        }

        _creditors[row.CreditorCode] = (creditor.Id, creditor.Country);
        return creditor.Id;
    }

    private async Task<PortfolioId> PortfolioAsync(CreditorId creditorId, string name, Instant now, CancellationToken ct)
    {
        if (_portfolios.TryGetValue(creditorId, out var id))
        {
            return id;
        }

        var portfolio = await db.Portfolios.AsNoTracking().FirstOrDefaultAsync(p => p.CreditorId == creditorId && p.Name == name, ct);
        if (portfolio is null)
        {
            portfolio = new Portfolio { CreditorId = creditorId, Name = name, CreatedAt = now };
            db.Portfolios.Add(portfolio);
            await db.SaveChangesAsync(ct);
        }

        _portfolios[creditorId] = portfolio.Id;
        return portfolio.Id;
    }

    private async Task<Dictionary<string, Known>> KnownAsync(CreditorId creditorId, CancellationToken ct)
    {
        if (_known.TryGetValue(creditorId, out var known))
        {
            return known;
        }

        known = await db.Accounts.AsNoTracking()
            .Where(a => a.CreditorId == creditorId)
            .Select(a => new { a.CreditorReference, a.Id, a.DebtorId, a.ImportHash })
            .ToDictionaryAsync(a => a.CreditorReference, a => new Known(a.Id, a.DebtorId, a.ImportHash), StringComparer.Ordinal, ct);
        _known[creditorId] = known;
        return known;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Imported {Rows} rows: {Inserted} inserted, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected in {Seconds:0.0} s")]
    private static partial void LogImported(ILogger logger, long rows, long inserted, long updated, long unchanged, long rejected, double seconds);

    private sealed record Known(AccountId AccountId, DebtorId DebtorId, string? Hash);
}
