using System.Net;
using Collections.AgentConsole.Features.Auth;
using Collections.Dialer.Calls;
using Collections.Shared.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.AgentConsole.Features.Phone;

/// <summary>What the operator page's phone needs to register: its account over the console's WebSocket, or why it has none.</summary>
/// <param name="DeskPhone">Another phone (a desk phone or softphone) is registered under the extension: the page's phone stays
/// off so it does not take the operator's line from it.</param>
public sealed record PhoneSettingsDto(bool Enabled, string? Extension, string? Password, string? Realm, string Path, string Subprotocol, string? Reason, bool DeskPhone = false);

/// <summary>
/// The browser phone (DESIGN.md 7, docs/console.md): SIP over WebSocket (RFC 7118) at <c>/sip</c> on the console's own port,
/// behind the same sign-in. The handshake needs the operator's session cookie and the subprotocol <c>sip</c>; the socket is
/// handed to the Dialer's SIP stack bound to the operator's extension, so they can register that one only (with its digest
/// password, as any phone). <c>GET /api/phone</c> gives the page that account.
/// </summary>
public static partial class PhoneSetup
{
    /// <summary>The stable path of SIP over WebSocket on the console's port.</summary>
    public const string Path = "/sip";

    public static IHostApplicationBuilder AddPhone(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OperatorExtensions>();
        return builder;
    }

    public static WebApplication MapPhone(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        var operators = new AuthorizeAttribute { Roles = ConsoleRoles.Operator };
        app.Map(Path, ServeAsync).RequireAuthorization(operators).ExcludeFromDescription();
        app.MapGet("/api/phone", SettingsAsync).RequireAuthorization(operators).WithTags("Phone");
        return app;
    }

    private static async Task<Results<Ok<PhoneSettingsDto>, ForbidHttpResult>> SettingsAsync(HttpContext context, OperatorExtensions extensions)
    {
        if (AuthSetup.AgentIdOf(context.User) is not { } agent)
        {
            return TypedResults.Forbid();
        }

        var extension = await extensions.OfAsync(agent, context.RequestAborted);
        var phones = context.RequestServices.GetService<BrowserPhones>();
        var account = phones?.AccountFor(extension);
        if (account is not null && phones!.DeskPhoneRegistered(extension))
        {
            return TypedResults.Ok(new PhoneSettingsDto(false, extension, null, null, Path, BrowserPhones.Subprotocol, $"Extension {extension} is registered by another phone; calls go to it.", DeskPhone: true));
        }

        var reason = phones is null ? "This console node hosts no dialer (Collections:Dialing:InProcess is false)."
            : extension is null ? "No SIP extension is set for you; ask a supervisor."
            : account is null ? $"Extension {extension} has no SIP account under Dialer:Registrar:Users."
            : null;
        return TypedResults.Ok(new PhoneSettingsDto(account is not null, extension, account?.Password, account?.Realm, Path, BrowserPhones.Subprotocol, reason));
    }

    private static async Task ServeAsync(HttpContext context, OperatorExtensions extensions, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Collections.AgentConsole.Phone");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("SIP over WebSocket: open a WebSocket with subprotocol \"sip\" (RFC 7118).", context.RequestAborted);
            return;
        }

        // Cross-site WebSocket hijacking: browsers always send Origin; it must be this console.
        if (context.Request.Headers.Origin is { Count: > 0 } origin
            && (!Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var from) || !string.Equals(from.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            LogRefused(logger, context.User.Identity?.Name ?? "?", $"origin {origin} is not this console");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (!context.WebSockets.WebSocketRequestedProtocols.Contains(BrowserPhones.Subprotocol, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The WebSocket subprotocol must be \"sip\" (RFC 7118 4.1).", context.RequestAborted);
            return;
        }

        var phones = context.RequestServices.GetService<BrowserPhones>();
        var agent = AuthSetup.AgentIdOf(context.User);
        var extension = agent is { } a ? await extensions.OfAsync(a, context.RequestAborted) : null;
        if (phones is null || extension is null)
        {
            LogRefused(logger, context.User.Identity?.Name ?? "?", phones is null ? "no dialer on this node" : "no SIP extension");
            context.Response.StatusCode = phones is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = BrowserPhones.Subprotocol, KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(20) });
        var remote = new IPEndPoint(context.Connection.RemoteIpAddress ?? IPAddress.Loopback, context.Connection.RemotePort);
        LogOpened(logger, context.User.Identity?.Name ?? "?", extension, remote);
        await phones.ServeAsync(webSocket, remote, context.Request.IsHttps, extension, context.RequestAborted);
        LogClosed(logger, context.User.Identity?.Name ?? "?", extension);
    }

    [LoggerMessage(EventId = 2901, Level = LogLevel.Information, Message = "Browser phone of {Login} (extension {Extension}) connected from {Remote}")]
    private static partial void LogOpened(ILogger logger, string login, string extension, IPEndPoint remote);

    [LoggerMessage(EventId = 2902, Level = LogLevel.Information, Message = "Browser phone of {Login} (extension {Extension}) disconnected")]
    private static partial void LogClosed(ILogger logger, string login, string extension);

    [LoggerMessage(EventId = 2903, Level = LogLevel.Warning, Message = "Browser phone WebSocket of {Login} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string login, string reason);
}
