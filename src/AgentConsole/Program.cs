using Collections.AgentConsole.Features.Demo;
using Collections.AgentConsole.Features.Health;
using Collections.AgentConsole.Features.Webhooks;
using Collections.AgentConsole.Infrastructure;
using Collections.Shared.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddCollectionsDatabase();
builder.AddConsoleHost();
builder.AddHealth();
builder.AddDemo();
builder.AddTwilioWebhooks();

var app = builder.Build();

await app.PrepareDatabaseAsync();
await app.SeedDemoDataAsync();
app.MapOpenApi();
app.MapHealthApi();
app.MapTwilioWebhooks();
app.LogListeningAddresses();

await app.RunAsync();

/// <summary>Entry point type, public so integration tests can host the app (WebApplicationFactory).</summary>
public partial class Program;
