// Package distributed is the herder of connect-distributed: workers that
// share a group.id agree through Kafka's group coordinator (worker/group)
// on who runs which connector and task, keep connector configs, target
// states and the session key in the config topic, and statuses in the
// status topic (storage/kafkastore), as the Java worker's DistributedHerder
// does, so Go and Java workers can serve one cluster.
//
// # One goroutine owns the decisions
//
// The herder's loop is the only goroutine that reads or changes its state
// (the assignment, what runs here, pending config changes, the session
// key). It drives the group Member, and everything else reaches it as a
// message:
//
//   - REST calls are requests with a reply channel (do), run between
//     rebalances and never while one is being completed;
//   - config store notifications (ConfigListener) are folded into pending
//     sets at the top of each turn; a new or removed connector or new task
//     configs make the loop ask for a rebalance, and reads answer 409 until
//     it has (Java's needsReconfigRebalance);
//   - Worker events (worker.Events) write statuses through the status
//     writer, a goroutine of its own that writes in order without blocking
//     the tasks, and queue task reconfigurations on the loop.
//
// A turn of the loop, in Java's order: fold notifications; poll the member
// if it has something to do and complete the rebalance (catch up on the
// config topic to the assignment's offset, stop revoked work, start new
// work); rotate the session key when leading; run due requests; execute
// restart requests; apply config changes; then wait.
//
// # Who serves what
//
// Writes of connector configs, task configs, STOPPED, restart requests
// with includeTasks/onlyFailed and offset changes belong to the leader: a
// follower answers *herder.NotLeaderError with the leader's URL and the
// REST layer forwards. A plain restart belongs to the owner of the
// connector or task (the leader knows the owners). Pause, resume and
// cluster logger levels are written by any worker.
package distributed
