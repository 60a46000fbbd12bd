using Collections.Testing;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
