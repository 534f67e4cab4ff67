// Package group is Kafka Connect's worker group protocol: how distributed
// workers sharing a group.id agree, through Kafka's classic group
// coordinator, on which worker runs which connector and task.
//
// It has three parts, each usable alone:
//
//   - The codec (protocol.go): member metadata and assignments encoded
//     exactly as the Java worker's ConnectProtocol (v0, "default") and
//     IncrementalCooperativeConnectProtocol (v1 "compatible", v2
//     "sessioned") do, so a Go worker and a Java worker can share a group.
//     Golden bytes produced by Kafka's own classes are in testdata/.
//   - The assignors (eager.go, cooperative.go): pure functions of the
//     members' metadata and the leader's view of the config topic. The
//     eager assignor is Java's round robin; the incremental cooperative one
//     keeps state between rounds (previous assignment, scheduled rebalance
//     delay for lost workers), so it is a value the leader keeps.
//   - Membership (member.go): JoinGroup, SyncGroup, Heartbeat and
//     LeaveGroup over sarama against the group coordinator, with protocol
//     type "connect". A Member is driven by one goroutine (the distributed
//     herder's) through Poll, which returns events; the heartbeat goroutine
//     belongs to the Member and stops with it.
//
// The package imports nothing of ours: the herder translates between its
// config snapshot and the small ClusterConfig the assignors need.
//
// # Driving a Member
//
// The distributed herder's loop selects on Member.Ready next to its own
// requests, and on Ready calls Poll with a bounded context:
//
//   - *Revoked: stop that work now (eager rebalance starting, or the
//     coordinator unreachable for a heartbeat interval), then poll again.
//   - *Assigned with Assignment.Failed(): read the config topic to its end;
//     the member rejoins by itself on the next Poll.
//   - *Assigned otherwise: stop Assignment.RevokedConnectors/RevokedTasks,
//     catch up to Assignment.ConfigOffset (on failure Leave, back off,
//     Rejoin; if the store is past the offset, Rejoin), start what is in
//     Connectors/Tasks and not running, then Rejoin if anything was revoked
//     and schedule a Rejoin after Assignment.Delay when it is not zero.
//     Version >= 2 enables session keys and request signing; IsLeader with
//     ConnectorOwners/TaskOwners tells the leader where to forward.
//   - *RebalanceNeeded: the group is rebalancing; answer REST writes with
//     409 until the next Assigned (RejoinPending tells the same).
//
// Stop leaves the group; call it from the polling goroutine after the
// work is stopped.
package group
