using Collections.Dialer.Cli;

// The ops CLI. Each verb lives in its feature folder; this list is the table of contents.
return await CliApp.RunAsync(args,
[
    Collections.Dialer.Calls.DialCommand.Create(),
]);
