package org.tidbcdc.routes.kafka;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.consume.ConsumerAssignment;

/**
 * Leaving the group on a graceful stop (CDC_LEAVE_GROUP_ON_STOP=true). kafka-clients 3.9.1 sends no LeaveGroup for a
 * static member when its consumer closes, so the member's partitions would wait for the session timeout
 * (CDC_SESSION_TIMEOUT_MS, 45 s). Camel stops this service after the routes, once the consumer has committed and
 * closed; it then removes its own static member, and the others take its partitions within seconds. A fenced
 * instance does not leave: the member is the other process's.
 */
public final class GroupLeave extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(GroupLeave.class);
    private static final long TIMEOUT_SECONDS = 5;

    private final Properties kafka;
    private final String group;
    private final String instance;
    private final Fencing fencing;
    private final ConsumerAssignment assignment;

    public GroupLeave(Properties kafka, String group, String instance, Fencing fencing,
            ConsumerAssignment assignment) {
        this.assignment = assignment;
        this.kafka = kafka;
        this.group = group;
        this.instance = instance;
        this.fencing = fencing;
    }

    @Override
    protected void doStop() {
        if (assignment.changedAt() == null) {
            return; // never joined (no broker, the control plane alone, a stop during startup): not a member
        }
        if (fencing.fenced() != null) {
            LOG.info("Not leaving group {}: CDC_INSTANCE_ID={} is another process's member now", group, instance);
            return;
        }
        long t0 = System.nanoTime();
        try (Admin admin = Admin.create(kafka)) {
            admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
                    List.of(new MemberToRemove(instance)))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Left group {} as CDC_INSTANCE_ID={} in {} ms: the other members take its partitions now", group,
                    instance, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownMemberIdException) {
                LOG.info("Group {} has no member CDC_INSTANCE_ID={} to leave", group, instance);
            } else {
                LOG.warn("Could not leave group {} as CDC_INSTANCE_ID={} ({}): its partitions wait for the session "
                        + "timeout", group, instance, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            LOG.warn("Could not leave group {} as CDC_INSTANCE_ID={} within {} s: its partitions wait for the session "
                    + "timeout", group, instance, TIMEOUT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Could not leave group {} as CDC_INSTANCE_ID={} ({})", group, instance, e.toString());
        }
    }
}
