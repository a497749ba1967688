// read_parallel(): one thread cuts the input into chunks, worker threads parse and consume
// them, and whichever worker completes the oldest outstanding chunk commits it (and any
// younger ones already done), so output keeps input order without a dedicated writer.
//
// Memory is bounded by a fixed pool of chunk slots: the reader blocks when every slot is
// in flight.
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "aaf/asset_parser.hpp"
#include "aaf/chunker.hpp"
#include "aaf/problem_sink.hpp"

namespace xport::aaf {
namespace {

struct Slot {
  Chunk chunk;
  std::unique_ptr<ChunkState> state;
  std::vector<Problem> problems;  // per-asset problems, in input order
  std::uint64_t assets = 0;
};

// A closable blocking queue of slot pointers.
class SlotQueue {
 public:
  void push(Slot* s) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(s);
    }
    cv_.notify_one();
  }
  // Blocks for the next slot; nullptr once closed.
  Slot* pop() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (closed_ && (items_.empty() || abandon_)) return nullptr;
    Slot* s = items_.front();
    items_.pop_front();
    return s;
  }
  // After close(), pop() drains what is queued; with abandon, it returns nullptr at once.
  void close(bool abandon = false) {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      abandon_ = abandon_ || abandon;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Slot*> items_;
  bool closed_ = false;
  bool abandon_ = false;
};

class Pipeline {
 public:
  Pipeline(std::unique_ptr<ByteSource> source, const ReadOptions& options,
           ParallelConsumer& consumer)
      : options_(options),
        chunker_(std::move(source), options_),
        consumer_(consumer),
        problems_(options_, stats_) {
    stats_.kind = chunker_.kind();
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    workers_ = options_.threads ? options_.threads : hw;
    slots_.resize(workers_ * 2 + 2);
    for (auto& s : slots_)
      free_.push(&s);
  }

  ReadStats run() {
    std::thread reader([this] { guarded([this] { read_loop(); }); });
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < workers_; ++i)
      workers.emplace_back([this] { guarded([this] { work_loop(); }); });
    guarded([this] { work_loop(); });
    for (auto& t : workers)
      t.join();
    reader.join();
    if (error_) std::rethrow_exception(error_);
    stats_.bytes = chunker_.bytes_read();
    return stats_;
  }

 private:
  template <class Fn>
  void guarded(Fn fn) {
    try {
      fn();
    } catch (...) {
      abort(std::current_exception());
    }
  }

  void abort(std::exception_ptr e) {
    {
      std::lock_guard lock(state_mutex_);
      if (!error_) error_ = e;
    }
    free_.close(true);
    work_.close(true);
  }

  void read_loop() {
    std::uint64_t sequence = 0;
    while (Slot* slot = free_.pop()) {
      if (!chunker_.next(slot->chunk)) break;
      slot->chunk.sequence = sequence++;
      work_.push(slot);
    }
    work_.close();
  }

  void work_loop() {
    AssetParser parser(options_);
    Asset asset(&parser.data());
    while (Slot* slot = work_.pop()) {
      process(*slot, parser, asset);
      complete(slot);
    }
  }

  void process(Slot& slot, AssetParser& parser, const Asset& asset) {
    if (!slot.state) slot.state = consumer_.make_state();
    slot.problems.clear();
    slot.assets = 0;
    for (const DocSpan& span : slot.chunk.docs) {
      Problem p;
      if (parser.parse(slot.chunk.data() + span.offset, span.size, span.location, p)) {
        try {
          consumer_.consume(asset, *slot.state);
          ++slot.assets;
          continue;
        } catch (const IoError&) {
          throw;
        } catch (const std::exception& e) {
          p.path.clear();
          p.reason = e.what();
        }
      }
      p.source = chunker_.source_name();
      p.where = span.location;
      slot.problems.push_back(std::move(p));
    }
  }

  // Marks a slot done, then commits every slot that is next in input order. Only one
  // thread commits at a time; a thread that finds the commit lock taken leaves its slot
  // to the committer, which re-checks for newly completed slots before it lets go.
  void complete(Slot* slot) {
    {
      std::lock_guard lock(state_mutex_);
      done_[slot->chunk.sequence] = slot;
    }
    for (;;) {
      std::unique_lock commit(commit_mutex_, std::try_to_lock);
      if (!commit.owns_lock()) return;
      for (;;) {
        Slot* next = take_next_done();
        if (!next) break;
        try {
          commit_slot(*next);
        } catch (...) {
          // Record the failure before the commit lock is released: no later chunk may be
          // committed (or have its problems reported) after it.
          abort(std::current_exception());
          throw;
        }
        free_.push(next);
      }
      commit.unlock();
      std::lock_guard lock(state_mutex_);
      if (error_ || !done_.count(next_commit_)) return;
    }
  }

  Slot* take_next_done() {
    std::lock_guard lock(state_mutex_);
    if (error_) return nullptr;  // the read failed: commit nothing more
    auto it = done_.find(next_commit_);
    if (it == done_.end()) return nullptr;
    Slot* s = it->second;
    done_.erase(it);
    ++next_commit_;
    return s;
  }

  // Reports the slot's problems merged by position, then hands its results over.
  void commit_slot(Slot& slot) {
    auto& stream = slot.chunk.problems;
    std::size_t i = 0, j = 0;
    while (i < stream.size() || j < slot.problems.size()) {
      bool take_stream =
          j == slot.problems.size() ||
          (i < stream.size() && stream[i].where.byte_offset <= slot.problems[j].where.byte_offset);
      problems_.report(take_stream ? stream[i++] : slot.problems[j++]);
    }
    stats_.assets += slot.assets;
    consumer_.commit(*slot.state);
  }

  ReadOptions options_;
  Chunker chunker_;
  ParallelConsumer& consumer_;
  ReadStats stats_;
  ProblemSink problems_;
  unsigned workers_ = 1;

  std::deque<Slot> slots_;
  SlotQueue free_, work_;

  std::mutex state_mutex_;  // guards done_, next_commit_, error_
  std::mutex commit_mutex_;
  std::map<std::uint64_t, Slot*> done_;
  std::uint64_t next_commit_ = 0;
  std::exception_ptr error_;
};

}  // namespace

ReadStats read_parallel(std::unique_ptr<ByteSource> source, const ReadOptions& options,
                        ParallelConsumer& consumer) {
  Pipeline pipeline(std::move(source), options, consumer);
  return pipeline.run();
}

}  // namespace xport::aaf
