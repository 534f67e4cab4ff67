package kafkalog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/IBM/sarama"
	"github.com/cenkalti/backoff/v4"
)

// ensureTopic creates the topic when it is missing, then checks that its
// cleanup.policy is exactly compact (Java's TopicAdmin.createTopicsWithRetry
// and verifyTopicCleanupPolicyOnlyCompact).
func (l *Log) ensureTopic(ctx context.Context) error {
	admin, err := sarama.NewClusterAdminFromClient(l.writeClient)
	if err != nil {
		return fmt.Errorf("topic %q: admin client: %w", l.cfg.Topic, err)
	}
	// The admin shares our client; closing it would close the client, so it
	// is simply dropped when done.

	exists, err := l.topicExists()
	if err != nil {
		return err
	}
	if !exists {
		if err := l.createTopic(ctx, admin); err != nil {
			return err
		}
	}
	return l.verifyCompacted(admin)
}

func (l *Log) topicExists() (bool, error) {
	if err := l.writeClient.RefreshMetadata(); err != nil {
		return false, fmt.Errorf("topic %q: fetch metadata: %w", l.cfg.Topic, err)
	}
	topics, err := l.writeClient.Topics()
	if err != nil {
		return false, fmt.Errorf("topic %q: list topics: %w", l.cfg.Topic, err)
	}
	return slices.Contains(topics, l.cfg.Topic), nil
}

func (l *Log) createTopic(ctx context.Context, admin sarama.ClusterAdmin) error {
	configs := map[string]*string{}
	for _, k := range slices.Sorted(maps.Keys(l.cfg.TopicConfigs)) {
		v := l.cfg.TopicConfigs[k]
		configs[k] = &v
	}
	compact := "compact"
	configs["cleanup.policy"] = &compact
	detail := &sarama.TopicDetail{
		NumPartitions:     l.cfg.Partitions,
		ReplicationFactor: l.cfg.ReplicationFactor,
		ConfigEntries:     configs,
	}
	b := backoff.WithContext(backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(100*time.Millisecond),
		backoff.WithMaxInterval(2*time.Second),
		backoff.WithMaxElapsedTime(0)), ctx)
	err := backoff.Retry(func() error {
		err := admin.CreateTopic(l.cfg.Topic, detail, false)
		switch {
		case err == nil, errors.Is(err, sarama.ErrTopicAlreadyExists):
			// Another worker may have created it at the same time.
			return nil
		case errors.Is(err, sarama.ErrInvalidReplicationFactor), errors.Is(err, sarama.ErrInvalidPartitions),
			errors.Is(err, sarama.ErrInvalidConfig), errors.Is(err, sarama.ErrPolicyViolation),
			errors.Is(err, sarama.ErrTopicAuthorizationFailed), errors.Is(err, sarama.ErrClusterAuthorizationFailed),
			errors.Is(err, sarama.ErrInvalidTopic), errors.Is(err, sarama.ErrUnsupportedVersion):
			return backoff.Permanent(err)
		}
		l.logger.Warn("creating internal topic failed, retrying", "error", err)
		return err
	}, b)
	if err != nil {
		return fmt.Errorf("topic %q: create with %d partitions, replication factor %d (-1 = broker default): %w",
			l.cfg.Topic, l.cfg.Partitions, l.cfg.ReplicationFactor, err)
	}
	l.logger.Info("created internal topic", "partitions", l.cfg.Partitions, "replication_factor", l.cfg.ReplicationFactor)
	return nil
}

// verifyCompacted fails when the topic's cleanup.policy is anything but
// compact. When the policy cannot be read (old broker, no DescribeConfigs
// permission) it only logs, as Java does.
func (l *Log) verifyCompacted(admin sarama.ClusterAdmin) error {
	entries, err := admin.DescribeConfig(sarama.ConfigResource{
		Type:        sarama.TopicResource,
		Name:        l.cfg.Topic,
		ConfigNames: []string{"cleanup.policy"},
	})
	var policy *string
	if err == nil {
		for _, e := range entries {
			if e.Name == "cleanup.policy" {
				v := e.Value
				policy = &v
			}
		}
	}
	if policy == nil {
		l.logger.Info("unable to verify that the internal topic has cleanup.policy=compact; the broker may be old or the principal may lack permission to describe topic configs", "error", err)
		return nil
	}
	found := map[string]bool{}
	for _, p := range strings.Split(*policy, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			found[p] = true
		}
	}
	if len(found) == 0 {
		l.logger.Info("internal topic reports no cleanup.policy; not verified")
		return nil
	}
	if len(found) != 1 || !found["compact"] {
		return fmt.Errorf("topic %q supplied via the %q property is required to have cleanup.policy=compact to guarantee consistency and durability of %s, but found cleanup.policy=%s; change the %q property to use a topic with cleanup.policy=compact: %w",
			l.cfg.Topic, l.cfg.WorkerProperty, l.cfg.Purpose, *policy, l.cfg.WorkerProperty, ErrNotCompacted)
	}
	return nil
}
