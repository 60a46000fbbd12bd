using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collections.AgentConsole.Features.Payments;

/// <summary>A payment file as booked: the totals and every line that needs a person (rejected, duplicate, unmatched).</summary>
public sealed record PaymentUploadDto(string File, string Format, int Rows, int Matched, int Unmatched, int Rejected, int Duplicates, decimal MatchedAmount, decimal UnmatchedAmount, IReadOnlyList<PaymentIssueDto> Issues);

/// <summary>One line of a payment file that was not booked to an account, and why.</summary>
public sealed record PaymentIssueDto(int Line, string Kind, string? Field, string Message, string? Reference);

/// <summary>
/// Administrators book bank statements and payment files from the browser (the same importer as the <c>import payments</c>
/// verb): payments are matched by reference, allocated, instalments marked paid at once and covered promises kept; the
/// unmatched ones wait in the queue for a person. Page: payments.html.
/// </summary>
public static class PaymentsApi
{
    /// <summary>The largest payment file accepted (a month of a busy agency's statement is a few megabytes).</summary>
    public const long MaxFileBytes = 20 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/payments").WithTags("Payments").RequireAuthorization(p => p.RequireRole(ConsoleRoles.Administrator));
        group.MapPost("/import", ImportAsync).DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxFileBytes))
            .AuditedChange("payment import", (_, value) => value is PaymentUploadDto d
                ? $"payment file {d.File} ({d.Format}): {d.Rows} rows, {d.Matched} booked, {d.Unmatched} unmatched, {d.Rejected} rejected, {d.Duplicates} duplicates"
                : null);
        return app;
    }

    private static async Task<Results<Ok<PaymentUploadDto>, ProblemHttpResult>> ImportAsync(IFormFile? file, WorkflowRunner workflow, ICollectionsDbContextFactory databases, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.Problem("file: choose a CSV payment file or a camt.053 bank statement.", statusCode: StatusCodes.Status400BadRequest);
        }

        using var reader = new StreamReader(file.OpenReadStream(), detectEncodingFromByteOrderMarks: true);
        // camt.053 is XML; anything else is read as the CSV format (docs/workflow.md).
        var format = (char)Math.Max(0, FirstNonSpace(reader)) == '<' ? "camt.053" : "csv";
        var issues = new List<PaymentIssueDto>();
        await using var db = databases.CreateDbContext();
        var summary = await workflow.For(db).Payments.ImportAsync(reader, Path.GetFileName(file.FileName), format,
            i => issues.Add(new PaymentIssueDto(i.Line, i.Kind, i.Column, i.Message, i.Reference)), ct);
        return TypedResults.Ok(new PaymentUploadDto(Path.GetFileName(file.FileName), summary.Format, summary.Rows, summary.Matched, summary.Unmatched, summary.Rejected,
            summary.Duplicates, summary.MatchedAmount, summary.UnmatchedAmount, issues));
    }

    private static int FirstNonSpace(StreamReader reader)
    {
        int c;
        while ((c = reader.Peek()) >= 0 && (char.IsWhiteSpace((char)c) || c == '\uFEFF'))
        {
            reader.Read();
        }

        return c;
    }
}
