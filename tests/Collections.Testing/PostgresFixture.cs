namespace Collections.Testing;

/// <summary>One PostgreSQL server per test assembly (register with
/// <c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>), started lazily by the first test that needs it.</summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresServer? _server;

    public async Task<PostgresServer> ServerAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _server ??= await PostgresServer.StartAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _gate.Dispose();
    }
}
