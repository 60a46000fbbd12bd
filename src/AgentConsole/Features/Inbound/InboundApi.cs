using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Calls;
using Collections.Dialer.Recording;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Collections.Shared.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Inbound;

/// <summary>A voicemail from a number no debtor has, waiting for a supervisor (issue 17): who called when, and the message.</summary>
public sealed record InboundMessageDto(Guid CallId, string From, DateTimeOffset ReceivedAt, string Language);

/// <summary>The supervisors' side of inbound calls: voicemails from unknown numbers (a message from a known debtor is already a
/// callback on their account), their audio, and marking one dealt with.</summary>
public static class InboundApi
{
    public static IEndpointRouteBuilder MapInbound(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/inbound").WithTags("Inbound").RequireAuthorization(AuthSetup.SupervisorPolicy);
        group.MapGet("/messages", async (ICollectionsDbContextFactory databases, CancellationToken ct) =>
        {
            await using var db = databases.CreateDbContext();
            var open = await db.InboundCalls.AsNoTracking()
                .Where(c => c.HandledAt == null && c.AccountId == null && c.Outcome == InboundCallOutcome.Voicemail)
                .OrderBy(c => c.ReceivedAt).Take(200).ToListAsync(ct);
            return TypedResults.Ok(open.Select(c => new InboundMessageDto(c.Id.Value, c.From, c.ReceivedAt.ToDateTimeOffset(), c.Language)).ToList());
        });
        group.MapGet("/messages/{callId:guid}/audio", async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> (
            Guid callId, ICollectionsDbContextFactory databases, IOptions<RecordingOptions> recording, CancellationToken ct) =>
        {
            await using var db = databases.CreateDbContext();
            var path = await db.InboundCalls.Where(c => c.Id == new ContactAttemptId(callId)).Select(c => c.VoicemailPath).FirstOrDefaultAsync(ct);
            if (path is null || !File.Exists(path))
            {
                return TypedResults.NotFound();
            }

            try
            {
                return TypedResults.File(RecordingFiles.ReadWav(path, recording.Value.Keys()), "audio/wav", $"{callId:D}.wav", enableRangeProcessing: true);
            }
            catch (RecordingUnreadableException ex)
            {
                return TypedResults.Problem($"message {callId:D} cannot be read: {ex.Message}", statusCode: StatusCodes.Status500InternalServerError);
            }
        }).Audited("voicemail");
        group.MapPost("/messages/{callId:guid}/handled", async Task<Results<NoContent, NotFound>> (Guid callId, ICollectionsDbContextFactory databases, TimeProvider time, CancellationToken ct) =>
        {
            await using var db = databases.CreateDbContext();
            var done = await db.InboundCalls.Where(c => c.Id == new ContactAttemptId(callId) && c.HandledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.HandledAt, NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow())), ct);
            return done == 0 ? TypedResults.NotFound() : TypedResults.NoContent();
        });
        return app;
    }
}
