using System.Security.Claims;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Collections.AgentConsole.Features.I18n;

/// <summary>The signed-in user's console language: read with <c>/api/me</c>, changed by the language switch in every page.</summary>
public static class I18nApi
{
    public static IEndpointRouteBuilder MapI18nApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/me/language", async Task<Results<NoContent, ValidationProblem, UnauthorizedHttpResult>> (LanguageRequest request, ClaimsPrincipal principal, UserManager<ConsoleUser> users) =>
            {
                if (!ConsoleLanguages.IsSupported(request.Language))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    {
                        ["language"] = [$"'{request.Language}' is not a console language; use one of {string.Join(", ", ConsoleLanguages.Supported)}"],
                    });
                }

                var user = await users.GetUserAsync(principal);
                if (user is null)
                {
                    return TypedResults.Unauthorized();
                }

                user.Language = request.Language;
                var saved = await users.UpdateAsync(user);
                return saved.Succeeded
                    ? TypedResults.NoContent()
                    : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["language"] = [.. saved.Errors.Select(e => e.Description)] });
            })
            .RequireAuthorization().WithTags("Auth");
        return app;
    }

    /// <summary>The language to show <paramref name="user"/>: their profile's, else their agent's first supported language.</summary>
    public static async Task<string> LanguageOfAsync(ConsoleUser user, CollectionsDbContext db, CancellationToken ct)
    {
        var spoken = user.AgentId is { } agentId
            ? await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.Languages).FirstOrDefaultAsync(ct)
            : null;
        return ConsoleLanguages.Resolve(user.Language, (spoken ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

/// <summary>The language the switch asks for (ISO 639-1).</summary>
public sealed record LanguageRequest(string? Language);
