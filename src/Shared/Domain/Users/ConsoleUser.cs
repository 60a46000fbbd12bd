using Microsoft.AspNetCore.Identity;

namespace Collections.Shared.Domain;

/// <summary>A person who signs in to the console: an operator (linked to an <see cref="Agent"/>), a supervisor, an administrator, or a creditor's staff (bound by <see cref="CreditorUser"/>).</summary>
public sealed class ConsoleUser : IdentityUser
{
    /// <summary>The operator record this sign-in belongs to; null for supervisors and administrators who do not take calls.</summary>
    public AgentId? AgentId { get; set; }

    /// <summary>Name shown on the console and the wallboard.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>The language the console speaks to this user (ISO 639-1, for example "hu"); null: the operator's first language.</summary>
    public string? Language { get; set; }
}

/// <summary>The console's roles; names are stored in the database, so they never change.</summary>
public static class ConsoleRoles
{
    /// <summary>Takes calls; sees only the account on their current call and their own callbacks.</summary>
    public const string Operator = "Operator";

    /// <summary>Runs the floor: wallboard, campaigns.</summary>
    public const string Supervisor = "Supervisor";

    /// <summary>Manages users and configuration; may also use the wallboard.</summary>
    public const string Administrator = "Administrator";

    /// <summary>A creditor's staff: sees only the accounts of the creditors the user is bound to (<see cref="CreditorUser"/>),
    /// through the creditor API and pages, never the agency's floor.</summary>
    public const string Creditor = "Creditor";

    /// <summary>The agency's lawyers and legal clerks: the legal queue (cases in legal review, cases nearing limitation),
    /// the case record and its evidence.</summary>
    public const string Legal = "Legal";

    /// <summary>Visits debtors at home (seed 004): the day's visit route and the outcomes on a phone; nothing else.</summary>
    public const string FieldAgent = "FieldAgent";

    /// <summary>Every role, in the order they are created.</summary>
    public static readonly IReadOnlyList<string> All = [Operator, Supervisor, Administrator, Creditor, Legal, FieldAgent];
}

/// <summary>The sign-in rules every place that creates or checks console users applies (the console host, the CLI).</summary>
public static class ConsoleIdentity
{
    /// <summary>Sets the password, user and lockout rules.</summary>
    public static void Configure(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Password.RequiredLength = 10;
        options.User.RequireUniqueEmail = false;
        options.Lockout.MaxFailedAccessAttempts = 10;
    }
}
