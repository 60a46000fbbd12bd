using System.ComponentModel.DataAnnotations;
using Collections.Shared.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Collections.Dialer.Outreach;

/// <summary>Settings of the dispatcher of due messages and letters (<c>Collections:Outreach</c>).</summary>
public sealed class OutreachOptions
{
    public const string Section = "Collections:Outreach";

    /// <summary>Folder printed letters are handed over in (one PDF each); unset: <c>print-queue</c> beside the SQLite
    /// database file, or <c>data/print-queue</c> on a server database. Several nodes must share it (a network folder).</summary>
    public string? PrintQueueDirectory { get; set; }

    /// <summary>Days a "PAID" reply holds the case's next strategy step, so the bank statement can arrive.</summary>
    [Range(0, 60)]
    public int ReportedPaymentHoldDays { get; set; } = 5;

    public DispatchOptions Dispatch { get; set; } = new();
}

/// <summary>How the dispatcher works the queue (<c>Collections:Outreach:Dispatch</c>).</summary>
public sealed class DispatchOptions
{
    /// <summary>Off: due messages and letters wait in the queue (a node that sends nothing).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Entries claimed at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Sends in flight at once.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>Wait between looks at the queue when it had nothing due.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claim holds an entry; a node that dies gives its entries back when this runs out. Longer than the
    /// slowest send (the Twilio client's attempts with their backoff).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait before the first retry after a transient error (nothing was sent); doubled each time.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts (ledger rows) after which an entry that keeps meeting transient errors fails.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;
}

/// <summary>Where the print queue is when no folder is configured: beside the data.</summary>
internal static class DataFolder
{
    /// <summary>The folder of the SQLite database file, or <c>data</c> for a server database or an in-memory one.</summary>
    public static string Resolve(IConfiguration configuration)
    {
        var database = DatabaseSetup.ReadOptions(configuration);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var source = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(source) && source != ":memory:" && !source.StartsWith("file::memory:", StringComparison.Ordinal))
            {
                return Path.GetDirectoryName(Path.GetFullPath(source)) ?? "data";
            }
        }

        return Path.GetFullPath("data");
    }
}

/// <summary>The print queue folder must exist or be creatable and writable at start.</summary>
internal sealed class OutreachOptionsValidator(IConfiguration configuration) : IValidateOptions<OutreachOptions>
{
    public ValidateOptionsResult Validate(string? name, OutreachOptions options)
    {
        var directory = Letters.PrintQueue.DirectoryFor(options, configuration);
        try
        {
            var full = Directory.CreateDirectory(directory).FullName;
            var probe = Path.Combine(full, $".write-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"{OutreachOptions.Section}:{nameof(OutreachOptions.PrintQueueDirectory)}: '{directory}' cannot be created or written ({ex.Message}).");
        }
    }
}
