using Collections.AgentConsole.Features.Auth;
using Collections.AgentConsole.Features.Calls;
using Collections.AgentConsole.Features.Cases;
using Collections.AgentConsole.Features.Creditors;
using Collections.AgentConsole.Features.Demo;
using Collections.AgentConsole.Features.Dialing;
using Collections.AgentConsole.Features.Health;
using Collections.AgentConsole.Features.I18n;
using Collections.AgentConsole.Features.Legal;
using Collections.AgentConsole.Features.Outbox;
using Collections.AgentConsole.Features.Payments;
using Collections.AgentConsole.Features.Phone;
using Collections.AgentConsole.Features.ScaleOut;
using Collections.AgentConsole.Features.Security;
using Collections.AgentConsole.Features.Settlements;
using Collections.AgentConsole.Features.Webhooks;
using Collections.AgentConsole.Features.Wallboard;
using Collections.AgentConsole.Infrastructure;
using Collections.Dialer.Outreach;
using Collections.Dialer.Outreach.Reports;
using Collections.Shared.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddCollectionsDatabase();
builder.AddConsoleHost();
builder.AddScaleOut();
builder.AddConsoleAuth();
builder.AddWebSecurity();
builder.AddHealth();
builder.AddDemo();
builder.AddTwilioWebhooks();
builder.AddOutreach();
builder.AddCases();
builder.AddLegal();
builder.AddCalls();
builder.AddSettlements();
builder.AddDialing();
builder.AddPhone();
builder.AddWallboard();
builder.AddCreditorApi();
builder.AddCreditorPortal();
builder.AddCreditorReports();

var app = builder.Build();

await app.PrepareDatabaseAsync();
await app.SeedDemoDataAsync();
await app.SeedDemoUsersAsync();
await app.SeedDemoCreditorAccessAsync();
app.UseWebSecurity();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapOpenApiDocument();
app.MapHealthApi();
app.MapTwilioWebhooks();
app.MapOutbox();
app.MapAuthApi();
app.MapI18nApi();
app.MapCallsApi();
app.MapCaseTimeline();
app.MapLegal();
app.MapSettlements();
app.MapPayments();
app.MapWallboard();
app.MapRecordings();
app.MapPhone();
app.MapCreditorApi();
app.MapCreditorPortal();
app.LogListeningAddresses();

await app.RunAsync();

/// <summary>Entry point type, public so integration tests can host the app (WebApplicationFactory).</summary>
public partial class Program;
