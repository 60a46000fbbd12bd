using System.ComponentModel.DataAnnotations;
using Quartz;

namespace Collections.Dialer.Scheduling;

/// <summary>Quartz settings for the workflow scheduler, bound from <c>Collections:Scheduling</c>.</summary>
public sealed class WorkflowSchedulingOptions
{
    public const string Section = "Collections:Scheduling";

    /// <summary>Scheduler name; every node of a cluster uses the same one (it is the SCHED_NAME column).</summary>
    [Required]
    public string InstanceName { get; set; } = "collections-workflow";

    /// <summary>Several nodes share the database (quartz.jobStore.clustered): each trigger fires on one node only, and a dead
    /// node's firings are recovered by another. Needs PostgreSQL or SQL Server; a SQLite file is one node's.</summary>
    public bool Clustered { get; set; }

    /// <summary>How often a clustered node checks in to the database (quartz.jobStore.clustering.checkinInterval); unset keeps
    /// Quartz's default (7.5 s). Another node takes a node for dead, and frees the triggers it had acquired, when its last
    /// check-in is older than this interval plus Quartz's check-in misfire threshold (7.5 s): a shorter interval detects a
    /// dead node sooner at the price of one small UPDATE per interval and node. Only read when <see cref="Clustered"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:10:00")]
    public TimeSpan? ClusterCheckinInterval { get; set; }

    /// <summary>What the job store does about its tables at start. CreateIfMissing (default) runs Quartz's own schema script
    /// for the provider; Validate only checks, for databases where the scheduler has no DDL rights (docs/workflow.md).</summary>
    public SchemaProvisioning SchemaProvisioning { get; set; } = SchemaProvisioning.CreateIfMissing;

    /// <summary>Jobs run at the same time on this node.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>At start, schedule again the next step of every open case, every pending promise check and every open
    /// instalment's reminder and check. Scheduling is keyed, so this adds only what a crash between a job's commit and its
    /// scheduling of the follow-up could have lost.</summary>
    public bool ResyncOnStart { get; set; } = true;

    /// <summary>How late a trigger may fire before it counts as misfired (quartz.jobStore.misfireThreshold); unset keeps
    /// Quartz's 60 s. The store's misfire handler looks for misfired triggers this often and fires each once (FireNow), while
    /// the scheduler itself never takes a trigger later than this. A host whose clock is moved forward by days
    /// (<c>Collections:Clock:OffsetFile</c>: a rehearsal or end-to-end test) finds every trigger of those days misfired at
    /// once, so a shorter threshold runs them sooner; in production the default is right.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan? MisfireThreshold { get; set; }

    /// <summary>How long the scheduler waits before looking at the store again when nothing is due
    /// (quartz.scheduler.idleWaitTime); unset keeps Quartz's 30 s. At least one second (Quartz's minimum).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan? IdleWaitTime { get; set; }
}
