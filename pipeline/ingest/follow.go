package ingest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// GroupLister says which groups exist now (an organisation's projects).
// Errors are listings that failed; a listing with errors lets no group go,
// since a group missing from it may still exist.
type GroupLister interface {
	ListGroups(ctx context.Context) ([]Group, []error)
}

// FixedGroups are groups known from the start (configured projects):
// FollowGroups does not list them again.
type FixedGroups []Group

// ListGroups returns g.
func (g FixedGroups) ListGroups(context.Context) ([]Group, []error) { return g, nil }

// FollowGroups keeps the series of every group up to date (see
// Continuous) until ctx ends, or for one pass with once. Each group is
// listed and followed on its own (its first listing retried until ctx
// ends without once), so one that fails never holds the others. Without
// once, every d.Every the groups are listed again (unless FixedGroups) and
// the series of each group not Fixed: what is new is followed, what is no
// longer listed is let go (a deleted workspace is not fetched forever),
// and a failed listing changes nothing. It returns the merged summary and
// the listings that failed.
func (e *Engine) FollowGroups(ctx context.Context, groups GroupLister, d Discovery, once bool) (Summary, []error) {
	return e.followGroups(ctx, groups, d, once, nil)
}

// followGroups is FollowGroups; with share, the listed groups are only
// candidates, and share decides which of them this replica follows.
func (e *Engine) followGroups(ctx context.Context, groups GroupLister, d Discovery, once bool, share *sharer) (Summary, []error) {
	f := &groupFollower{e: e, d: d, once: once, share: share, running: map[string]*groupRun{}}
	gs, errs := groups.ListGroups(ctx)
	f.errs = append(f.errs, errs...)
	if share != nil {
		share.f = f
		share.offer(gs, false)
	} else {
		for _, g := range gs {
			f.running[g.ID] = f.start(ctx, g)
		}
	}
	if _, fixed := groups.(FixedGroups); !fixed && !once && d.Every > 0 {
		f.wg.Go(func() { f.relist(ctx, groups) })
	}
	if share != nil {
		share.run(ctx)
	}
	f.wg.Wait()
	f.groups.Wait()
	return f.total, f.errs
}

// groupFollower follows groups, each in its own goroutine.
type groupFollower struct {
	e    *Engine
	d    Discovery
	once bool
	// share, when set, decides which groups to follow (leases shared
	// with other replicas); else every listed group is followed.
	share *sharer

	mu      sync.Mutex
	total   Summary
	errs    []error
	wg      sync.WaitGroup       // relist
	groups  sync.WaitGroup       // one per group followed
	running map[string]*groupRun // group id -> its run (without share)
}

// groupRun is one group being followed.
type groupRun struct {
	// stop lets the group go: no new window starts, windows in flight get
	// the shutdown grace period to finish and be recorded.
	stop context.CancelFunc
	// abort lets it go at once: windows in flight are canceled too.
	abort context.CancelFunc
	// done is closed once nothing of the group runs any more.
	done chan struct{}
}

// start follows g until ctx ends or g is let go.
func (f *groupFollower) start(ctx context.Context, g Group) *groupRun {
	gctx, stop := context.WithCancel(ctx)
	actx, cancelAbort := context.WithCancel(context.WithoutCancel(ctx))
	gr := &groupRun{stop: stop, abort: func() { cancelAbort(); stop() }, done: make(chan struct{})}
	f.groups.Go(func() {
		defer close(gr.done)
		defer stop()
		defer cancelAbort()
		f.group(ctx, gctx, actx, g)
	})
	return gr
}

// group lists g's series and follows them until gctx ends (the windows in
// flight get the grace period, unless abort ends); without once, it lists
// them again every d.Every unless g is Fixed. A group let go while the run
// goes on (parent still alive) leaves no failure, no parked series and no
// lag metric behind: it is not this process's any more.
func (f *groupFollower) group(parent, ctx, abort context.Context, g Group) {
	series, err := f.e.firstList(ctx, g, f.d, !f.once)
	letGo := func() bool { return ctx.Err() != nil && parent.Err() == nil }
	if err != nil {
		if !letGo() {
			f.mu.Lock()
			f.errs = append(f.errs, err)
			f.mu.Unlock()
		}
		return
	}
	fl := f.e.Follow(ctx, f.once)
	if f.share != nil {
		fl.r.marks = leaseGate{CheckpointStore: fl.r.marks, s: f.share}
	}
	defer context.AfterFunc(abort, fl.r.release)()
	fl.Add(series...)
	if !f.once && !g.Fixed && f.d.Every > 0 {
		f.rediscover(ctx, g, fl)
	}
	sum := fl.wait(letGo())
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total.Merge(sum)
}

// relist lists the groups every d.Every until ctx ends: new groups are
// followed; without a failed listing, groups no longer listed are let go.
func (f *groupFollower) relist(ctx context.Context, groups GroupLister) {
	t := time.NewTicker(f.d.Every)
	defer t.Stop()
	noun := f.d.noun()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		gs, errs := groups.ListGroups(ctx)
		if f.share != nil {
			f.share.offer(gs, len(errs) == 0)
			continue
		}
		listed := map[string]bool{}
		for _, g := range gs {
			listed[g.ID] = true
			f.mu.Lock()
			_, known := f.running[g.ID]
			f.mu.Unlock()
			if !known {
				f.e.log.Info("new "+noun+" found, following it", noun, g.ID)
				gr := f.start(ctx, g)
				f.mu.Lock()
				f.running[g.ID] = gr
				f.mu.Unlock()
			}
		}
		if len(errs) > 0 {
			continue
		}
		f.mu.Lock()
		for id, stop := range f.running {
			if !listed[id] {
				f.e.log.Info(noun+" no longer listed (deleted?), stopped following it; it is followed again if it comes back", noun, id)
				stop.stop()
				delete(f.running, id)
			}
		}
		f.mu.Unlock()
	}
}

// rediscover lists g's series every d.Every until ctx ends and brings fl
// in line with what it finds; parked series are rechecked after each
// listing (a fixed role or access list shows then).
func (f *groupFollower) rediscover(ctx context.Context, g Group, fl *Following) {
	t := time.NewTicker(f.d.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		found, err := g.Lister.ListSeries(ctx)
		if err != nil && !errors.Is(err, ErrNoSeries) {
			f.e.log.Warn("listing series again failed; following the known ones", f.d.noun(), g.ID, "err", err)
			continue
		}
		f.reconcile(g, fl, found)
		fl.Recheck()
	}
}

// reconcile follows the series of found that fl does not follow yet and
// lets go of those found lacks.
func (f *groupFollower) reconcile(g Group, fl *Following, found []pipeline.Series) {
	followed := fl.Series()
	var added []pipeline.Series
	for _, s := range found {
		if !slices.Contains(followed, s) {
			added = append(added, s)
		}
	}
	if len(added) > 0 {
		f.e.log.Info("new series found, following them", f.d.noun(), g.ID, "series", seriesNames(added))
		fl.Add(added...)
	}
	for _, s := range followed {
		if !slices.Contains(found, s) {
			f.e.log.Info("series no longer listed (workspace deleted?), stopped following it; it is followed again if it comes back",
				f.d.noun(), g.ID, "series", s.String())
			fl.Remove(s)
		}
	}
}

func seriesNames(series []pipeline.Series) []string {
	out := make([]string, len(series))
	for i, s := range series {
		out[i] = s.String()
	}
	return out
}
