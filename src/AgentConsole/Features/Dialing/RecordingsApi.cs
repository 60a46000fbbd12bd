using Collections.AgentConsole.Features.Audit;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Calls;
using Collections.Dialer.Recording;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Collections.AgentConsole.Features.Dialing;

/// <summary>Call recordings for supervisors and administrators (quality review, disputes): one stereo WAV per connected call,
/// debtor left and agent right, by the contact-ledger row's id. Operators cannot fetch them. Recordings encrypted at rest
/// (<c>Dialer:Recording:KeyFile</c>, docs/privacy.md) are decrypted on the way out; plain ones made before are sent as they are.</summary>
public static class RecordingsApi
{
    public static IEndpointRouteBuilder MapRecordings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/recordings/{attemptId:guid}", Results<FileContentHttpResult, NotFound, ProblemHttpResult> (Guid attemptId, IOptions<RecordingOptions> options) =>
            {
                if (options.Value.PathFor(attemptId) is not { } path || !File.Exists(path))
                {
                    return TypedResults.NotFound();
                }

                try
                {
                    return TypedResults.File(RecordingFiles.ReadWav(path, options.Value.Keys()), "audio/wav", $"{attemptId:D}.wav", enableRangeProcessing: true);
                }
                catch (RecordingUnreadableException ex)
                {
                    // An altered file or a missing key is an incident for the administrator, not a file to hand out.
                    return TypedResults.Problem($"recording {attemptId:D} cannot be read: {ex.Message}", statusCode: StatusCodes.Status500InternalServerError);
                }
            })
            .WithTags("Recordings")
            .RequireAuthorization(AuthSetup.SupervisorPolicy)
            .Audited("call recording");
        return app;
    }
}
