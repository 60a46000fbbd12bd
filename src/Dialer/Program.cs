using Collections.Dialer.Cli;
using Collections.Dialer.DatabaseCli;
using Collections.Dialer.ImportCli;

// The ops CLI. Each verb lives in its feature folder; this list is the table of contents.
return await CliApp.RunAsync(args,
[
    MigrateCommand.Create(),
    ImportAccountsCommand.Create(),
    Collections.Dialer.ScriptsCli.ScriptsValidateCommand.Create(),
]);
