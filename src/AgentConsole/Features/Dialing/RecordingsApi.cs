using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Calls;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>Call recordings for supervisors and administrators (quality review, disputes): one stereo WAV per connected call,
/// debtor left and agent right, by the contact-ledger row's id. Operators cannot fetch them.</summary>
public static class RecordingsApi
{
    public static IEndpointRouteBuilder MapRecordings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/recordings/{attemptId:guid}", Results<PhysicalFileHttpResult, NotFound> (Guid attemptId, IOptions<RecordingOptions> options) =>
                options.Value.PathFor(attemptId) is { } path && File.Exists(path)
                    ? TypedResults.PhysicalFile(path, "audio/wav", $"{attemptId:D}.wav", enableRangeProcessing: true)
                    : TypedResults.NotFound())
            .WithTags("Recordings")
            .RequireAuthorization(AuthSetup.SupervisorPolicy)
            .Audited("call recording");
        return app;
    }
}
