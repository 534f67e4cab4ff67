package kafkastore

import (
	"testing"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/storagetest"
)

func TestConfigStoreConformance(t *testing.T) {
	brokers := newCluster(t)
	storagetest.ConfigStore(t, func(t *testing.T) storage.ConfigStore {
		s, err := NewConfigStore(logCfg(brokers, uniqueTopic("configs"), 1, nil))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestStatusStoreConformance(t *testing.T) {
	brokers := newCluster(t)
	storagetest.StatusStore(t, func(t *testing.T) storage.StatusStore {
		s, err := NewStatusStore(logCfg(brokers, uniqueTopic("status"), 5, nil))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestOffsetStoreConformance(t *testing.T) {
	brokers := newCluster(t)
	topics := map[string]string{}
	storagetest.OffsetStore(t, storagetest.OffsetStoreOptions{
		Durable: true,
		Open: func(t *testing.T) storage.OffsetStore {
			// One topic per subtest, so a reopened store sees the same data.
			topic, ok := topics[t.Name()]
			if !ok {
				topic = uniqueTopic("offsets")
				topics[t.Name()] = topic
			}
			s, err := NewOffsetStore(logCfg(brokers, topic, 25, nil))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}
