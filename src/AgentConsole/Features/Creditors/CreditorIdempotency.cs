using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Collections.Shared.Domain;
using Collections.Shared.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Collections.AgentConsole.Features.Creditors;

/// <summary>A request body the idempotency filter compares (the same key with another body is refused).</summary>
public interface ICreditorRequestBody;

/// <summary>
/// <c>Idempotency-Key</c> on the creditor API's POSTs (IETF draft-ietf-httpapi-idempotency-key-header): the first request
/// with a key is carried out and its answer stored; the same key with the same request gets that answer again
/// (<c>Idempotent-Replayed: true</c>) and changes nothing; with another request it is refused with 422; while the first is
/// still being worked, 409. Keys are kept per caller, so two creditors' keys never meet.
/// </summary>
internal sealed class CreditorIdempotencyFilter(ICollectionsDbContextFactory contexts, TimeProvider time, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Headers[Header].ToString() is not { Length: > 0 } key)
        {
            return await next(context);
        }

        if (key.Length > 255)
        {
            return TypedResults.Problem($"{Header}: at most 255 characters", statusCode: StatusCodes.Status400BadRequest);
        }

        var caller = CreditorScope.Of(http).Caller;
        var hash = HashOf(http, context.Arguments);
        var ct = http.RequestAborted;
        var row = new CreditorIdempotentRequest { Caller = caller, IdempotencyKey = key, RequestHash = hash, CreatedAt = Instant.FromDateTimeOffset(time.GetUtcNow()) };
        await using (var db = contexts.CreateDbContext())
        {
            // Looked up first, so a replay does not go through a failed insert; the unique index settles two first requests racing.
            var earlier = await db.CreditorIdempotentRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Caller == caller && r.IdempotencyKey == key, ct);
            if (earlier is null)
            {
                db.CreditorIdempotentRequests.Add(row);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    return TypedResults.Problem($"{Header}: the request with '{key}' is still being worked; ask again shortly", statusCode: StatusCodes.Status409Conflict);
                }
            }
            else if (earlier.RequestHash != hash)
            {
                return TypedResults.Problem($"{Header}: '{key}' was used for another request", statusCode: StatusCodes.Status422UnprocessableEntity);
            }
            else if (earlier.StatusCode == 0)
            {
                return TypedResults.Problem($"{Header}: the request with '{key}' is still being worked; ask again shortly", statusCode: StatusCodes.Status409Conflict);
            }
            else
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Text(earlier.ResponseBody ?? "", "application/json", Encoding.UTF8, earlier.StatusCode);
            }
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ForgetAsync(row.Id);
            throw;
        }

        // A handler declared as Results<A, B> returns the union; the answer is the result inside it.
        var answer = result is INestedHttpResult nested ? nested.Result : result;
        var status = (answer as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status >= 500)
        {
            await ForgetAsync(row.Id);
            return result;
        }

        var body = answer is IValueHttpResult { Value: { } value } ? JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions) : "";
        await using (var db = contexts.CreateDbContext())
        {
            await db.CreditorIdempotentRequests.Where(r => r.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status).SetProperty(r => r.ResponseBody, body), CancellationToken.None);
        }

        return result;
    }

    /// <summary>A failed first attempt leaves no trace, so the client's retry with the same key is carried out.</summary>
    private async Task ForgetAsync(Guid id)
    {
        await using var db = contexts.CreateDbContext();
        await db.CreditorIdempotentRequests.Where(r => r.Id == id).ExecuteDeleteAsync(CancellationToken.None);
    }

    private string HashOf(HttpContext http, IList<object?> arguments)
    {
        var text = new StringBuilder().Append(http.Request.Method).Append(' ').Append(http.Request.Path).Append(http.Request.QueryString.Value);
        foreach (var argument in arguments)
        {
            if (argument is JsonElement element)
            {
                text.Append('\n').Append(element.GetRawText());
            }
            else if (argument is ICreditorRequestBody body)
            {
                text.Append('\n').Append(JsonSerializer.Serialize(body, body.GetType(), json.Value.SerializerOptions));
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
