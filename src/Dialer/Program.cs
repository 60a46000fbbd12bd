using Collections.Dialer.Amd;
using Collections.Dialer.AnalyticsCli;
using Collections.Dialer.AuditCli;
using Collections.Dialer.Calls;
using Collections.Dialer.Campaigns;
using Collections.Dialer.CaseCli;
using Collections.Dialer.Cli;
using Collections.Dialer.ComplianceCli;
using Collections.Dialer.CreditorCli;
using Collections.Dialer.DatabaseCli;
using Collections.Dialer.Hopper;
using Collections.Dialer.ImportCli;
using Collections.Dialer.InterestCli;
using Collections.Dialer.PrivacyCli;
using Collections.Dialer.ReportCli;
using Collections.Dialer.ScriptsCli;
using Collections.Dialer.Simulation;

// The ops CLI. Each verb lives in its feature folder; this list is the table of contents.
return await CliApp.RunAsync(args,
[
    MigrateCommand.Create(),
    ImportAccountsCommand.Create(),
    ImportPaymentsCommand.Create(),
    ScriptsValidateCommand.Create(),
    InterestCommand.Create(),
    AmdCommand.Create(),
    AmdEvalCommand.Create(),
    Collections.Dialer.Amd.Training.AmdTrainCommand.Create(),
    ExplainCommand.Create(),
    CaseCommand.Create(),
    Collections.Dialer.LegalCli.EvidenceCommand.Create(),
    PrivacyCommand.Create(),
    Collections.Dialer.Recording.RecordingsCommand.Create(),
    AuditCommand.Create(),
    ActivityCommand.Create(),
    CreditorCommand.Create(),
    ReportCommand.Create(),
    AnalyticsCommand.Create(),
    DialCommand.Create(),
    SimulateCommand.Create(),
    HopperCommand.Create(),
    CampaignRunCommand.Create(),
]);
