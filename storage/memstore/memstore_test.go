package memstore_test

import (
	"testing"

	"github.com/kafka-connect-go/connect/storage"
	"github.com/kafka-connect-go/connect/storage/memstore"
	"github.com/kafka-connect-go/connect/storage/storagetest"
)

func TestOffsetStoreConformance(t *testing.T) {
	storagetest.OffsetStore(t, storagetest.OffsetStoreOptions{
		Open: func(t *testing.T) storage.OffsetStore { return memstore.NewOffsetStore() },
	})
}

func TestConfigStoreConformance(t *testing.T) {
	storagetest.ConfigStore(t, func(t *testing.T) storage.ConfigStore { return memstore.NewConfigStore() })
}

func TestStatusStoreConformance(t *testing.T) {
	storagetest.StatusStore(t, func(t *testing.T) storage.StatusStore { return memstore.NewStatusStore() })
}
